import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { emptyBodyWhenNone } from '../../shared/optional-body.js';
import { callerId as caller, ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';
import {
  AppPasswordSchema,
  CreateAppPasswordBody,
  CreatedAppPasswordSchema,
  DEFAULT_APP_PASSWORD_NAME,
  PasswordParams,
} from './app-passwords.schemas.js';
import { appPasswordsService } from './app-passwords.service.js';

// The routes of application passwords (the rules are in app-passwords.service.ts).

const config = { auth: { scopes: ['user_info' as const] } };
const tags = ['Profile > Application passwords'];

export const appPasswordsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = appPasswordsService(app.db);
  listAndCreateRoutes(app, service);
  onePasswordRoutes(app, service);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof appPasswordsService>;

/** The caller's list of application passwords, and making a new one. */
function listAndCreateRoutes(app: App, service: Service) {
  app.get(
    '/2/profile/applications/passwords',
    {
      config,
      schema: {
        operationId: 'listApplicationPasswords',
        tags,
        summary: "The caller's application passwords (never the passwords themselves)",
        response: { 200: envelope(Type.Array(AppPasswordSchema)) },
      },
    },
    async (req) => ok(await service.list(caller(req))),
  );

  app.post(
    '/2/profile/applications/passwords',
    {
      config: {
        ...config,
        activity: {
          action: 'application_password_created',
          target: { type: 'application_password', fromResponse: true },
        },
      },
      schema: {
        operationId: 'createApplicationPassword',
        tags,
        summary: 'Create an application password; the answer shows it this once',
        body: CreateAppPasswordBody,
        response: { 201: envelope(CreatedAppPasswordSchema) },
      },
      preValidation: emptyBodyWhenNone,
    },
    async (req, reply) =>
      reply.code(201).send(ok(await service.create(caller(req), req.body.name ?? DEFAULT_APP_PASSWORD_NAME))),
  );
}

/** One application password: reading it, deleting it. */
function onePasswordRoutes(app: App, service: Service) {
  app.get(
    '/2/profile/applications/passwords/:password_id',
    {
      config,
      schema: {
        operationId: 'getApplicationPassword',
        tags,
        summary: 'One application password',
        params: PasswordParams,
        response: { 200: envelope(AppPasswordSchema) },
      },
    },
    async (req) => ok(await service.get(caller(req), req.params.password_id)),
  );

  app.delete(
    '/2/profile/applications/passwords/:password_id',
    {
      config: {
        ...config,
        activity: {
          action: 'application_password_revoked',
          target: { type: 'application_password', param: 'password_id' },
        },
      },
      schema: {
        operationId: 'deleteApplicationPassword',
        tags,
        summary: 'Delete an application password: it stops working at once',
        params: PasswordParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.remove(caller(req), req.params.password_id)),
  );
}
