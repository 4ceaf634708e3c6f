import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listResult } from '../../shared/pagination.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope, listEnvelope, TrueEnvelope } from '../../shared/schemas.js';
import {
  ClientParams,
  ClientSchema,
  ClientsQuery,
  CreateClientBody,
  CreatedClientSchema,
  UpdateClientBody,
} from './clients.schemas.js';
import { clientsService } from './clients.service.js';

const config = { auth: { scopes: ['user_info' as const] } };
const tags = ['OAuth > Clients'];

export const clientsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = clientsService(app.db);
  clientListRoutes(app, service);
  oneClientRoutes(app, service);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof clientsService>;

/** The caller's OAuth clients, and registering one. */
function clientListRoutes(app: App, service: Service) {
  app.get(
    '/1/oauth_clients',
    {
      config,
      schema: {
        operationId: 'listOAuthClients',
        tags,
        summary: 'The OAuth applications the caller registered',
        querystring: ClientsQuery,
        response: { 200: listEnvelope(ClientSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.list(caller(req), req.query);
      return listResult(items, total, params);
    },
  );

  app.post(
    '/1/oauth_clients',
    {
      config: { ...config, activity: { action: 'item_added', target: { type: 'oauth_client' } } },
      schema: {
        operationId: 'createOAuthClient',
        tags,
        summary: 'Register an OAuth application; a confidential one gets its client_secret, shown this once',
        body: CreateClientBody,
        response: { 201: envelope(CreatedClientSchema) },
      },
    },
    async (req, reply) => reply.code(201).send(ok(await service.create(caller(req), req.body))),
  );
}

/** One OAuth client: reading it, changing it, deleting it. */
function oneClientRoutes(app: App, service: Service) {
  app.get(
    '/1/oauth_clients/:client_id',
    {
      config,
      schema: {
        operationId: 'getOAuthClient',
        tags,
        summary: "One of the caller's OAuth applications",
        params: ClientParams,
        response: { 200: envelope(ClientSchema) },
      },
    },
    async (req) => ok(await service.get(caller(req), req.params.client_id)),
  );

  app.patch(
    '/1/oauth_clients/:client_id',
    {
      config: { ...config, activity: { action: 'item_modified', target: { type: 'oauth_client' } } },
      schema: {
        operationId: 'updateOAuthClient',
        tags,
        summary: 'Rename an OAuth application or change its redirect URIs',
        params: ClientParams,
        body: UpdateClientBody,
        response: { 200: envelope(ClientSchema) },
      },
    },
    async (req) => ok(await service.update(caller(req), req.params.client_id, req.body)),
  );

  app.delete(
    '/1/oauth_clients/:client_id',
    {
      config: { ...config, activity: { action: 'item_deleted', target: { type: 'oauth_client' } } },
      schema: {
        operationId: 'deleteOAuthClient',
        tags,
        summary: 'Delete an OAuth application; every token it holds is revoked at once',
        params: ClientParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.remove(caller(req), req.params.client_id)),
  );
}
