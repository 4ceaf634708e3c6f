import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../shared/principal.js';
import { Type } from 'typebox';
import { ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';
import { CreatedTokenSchema, CreateTokenBody, TokenParams, TokenSchema } from './tokens.schemas.js';
import { tokensService } from './tokens.service.js';

const tags = ['Profile > API tokens'];
// Any valid token may manage its owner's tokens; what it can grant is bounded by its scopes.
const auth = { scopes: [] };

export const tokensRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = tokensService(app.db);

  app.get(
    '/1/profile/tokens',
    {
      config: { auth },
      schema: {
        operationId: 'listApiTokens',
        tags,
        summary: 'List the API tokens of the current user (never their secrets)',
        response: { 200: envelope(Type.Array(TokenSchema)) },
      },
    },
    async (req) => ok(await service.list(principalOf(req))),
  );

  app.post(
    '/1/profile/tokens',
    {
      config: { auth, activity: { action: 'api_token_created', target: { type: 'api_token', fromResponse: true } } },
      schema: {
        operationId: 'createApiToken',
        tags,
        summary: 'Create an API token; the secret is in this response only',
        body: CreateTokenBody,
        response: { 201: envelope(CreatedTokenSchema) },
      },
    },
    async (req, reply) => reply.status(201).send(ok(await service.create(principalOf(req), req.body))),
  );

  app.delete(
    '/1/profile/tokens/:token_id',
    {
      config: { auth, activity: { action: 'api_token_revoked', target: { type: 'api_token', param: 'token_id' } } },
      schema: {
        operationId: 'revokeApiToken',
        tags,
        summary: 'Revoke an API token, effective on the next request',
        params: TokenParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.revoke(principalOf(req), req.params.token_id)),
  );
};
