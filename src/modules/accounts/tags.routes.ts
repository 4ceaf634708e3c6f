import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../shared/principal.js';
import { ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';
import {
  AccountParams,
  AccountTagSchema,
  CreateTagBody,
  TagParams,
  TagsQuery,
  TagWithProductsSchema,
  UpdateTagBody,
} from './accounts.schemas.js';
import { tagsService } from './tags.service.js';

const config = { auth: { scopes: ['accounts' as const] } };
const tags = ['Accounts > Tags'];

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof tagsService>;

export const tagsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = tagsService(app.db);

  tagListRoutes(app, service);
  tagChangeRoutes(app, service);
};

/** The organisation's tags: listing them and creating one. */
function tagListRoutes(app: App, service: Service) {
  app.get(
    '/1/accounts/:account_id/tags',
    {
      config: { ...config, access: { min: 'member' } },
      schema: {
        operationId: 'listAccountTags',
        tags,
        summary: "The organisation's tags; `with=products` adds the tagged products",
        params: AccountParams,
        querystring: TagsQuery,
        response: { 200: envelope(Type.Array(TagWithProductsSchema)) },
      },
    },
    async (req) => ok(await service.list(principalOf(req).user.id, req.params.account_id, req.query)),
  );

  app.post(
    '/1/accounts/:account_id/tags',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'item_added', target: { type: 'tag', fromResponse: true } },
      },
      schema: {
        operationId: 'createAccountTag',
        tags,
        summary: 'Create a tag (admin or owner); names are unique regardless of case',
        params: AccountParams,
        body: CreateTagBody,
        response: { 201: envelope(AccountTagSchema) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(ok(await service.create(principalOf(req).user.id, req.params.account_id, req.body))),
  );
}

/** One tag: renaming or recolouring it, deleting it. */
function tagChangeRoutes(app: App, service: Service) {
  app.put(
    '/1/accounts/:account_id/tags/:tag_id',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'item_modified', target: { type: 'tag', param: 'tag_id' } },
      },
      schema: {
        operationId: 'updateAccountTag',
        tags,
        summary: 'Rename or recolour a tag (admin or owner)',
        params: TagParams,
        body: UpdateTagBody,
        response: { 200: envelope(AccountTagSchema) },
      },
    },
    async (req) =>
      ok(await service.update(principalOf(req).user.id, req.params.account_id, req.params.tag_id, req.body)),
  );

  app.delete(
    '/1/accounts/:account_id/tags/:tag_id',
    {
      config: {
        ...config,
        access: { min: 'admin' },
        activity: { action: 'item_deleted', target: { type: 'tag', param: 'tag_id' } },
      },
      schema: {
        operationId: 'deleteAccountTag',
        tags,
        summary: 'Delete a tag (admin or owner); its products stay',
        params: TagParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.remove(principalOf(req).user.id, req.params.account_id, req.params.tag_id)),
  );
}
