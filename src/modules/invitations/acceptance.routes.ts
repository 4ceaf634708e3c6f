import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { Principal } from '../../shared/principal.js';
import { ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';
import { tokenAuthenticator } from '../tokens/index.js';
import { acceptanceService } from './acceptance.service.js';
import { AcceptBody, AcceptedSchema, KeyParams } from './invitations.schemas.js';

const tags = ['Invitations'];
// Public: the key in the path is the credential. A bearer token, when there is one, says
// which existing user accepts; the auth plugin identifies callers of non-public routes only,
// so this route resolves the token itself.
const config = { auth: 'public' as const };

function unauthorized(reply: FastifyReply, description: string, reason: string): AppError {
  reply.header('www-authenticate', `Bearer realm="ik-mirror", error="${reason}", error_description="${description}"`);
  return new AppError('not_authorized', description, { reason });
}

type Authenticator = ReturnType<typeof tokenAuthenticator>;

/** The signed-in caller, undefined without an Authorization header; a bad token is a 401. */
function signedInCaller(authenticate: Authenticator) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<Principal | undefined> => {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const secret = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!secret) throw unauthorized(reply, 'Malformed Authorization header', 'invalid_request');
    const found = await authenticate(secret);
    if (found instanceof AppError) {
      const reason = found.context?.reason;
      throw unauthorized(reply, found.description, typeof reason === 'string' ? reason : 'invalid_token');
    }
    // Joining an organisation is an `accounts` operation like every other one of this API.
    if (!found.scopes.has('accounts')) {
      throw new AppError('access_denied', 'The token lacks the required scope: accounts', {
        missing_scopes: ['accounts'],
      });
    }
    return found;
  };
}

export const acceptanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = acceptanceService(app.db);
  const authenticate = tokenAuthenticator(app.db, (err) => app.log.warn({ err }, 'last_used_at not saved'));
  app.addHook('onClose', () => authenticate.settled());

  const caller = signedInCaller(authenticate);

  app.post(
    '/1/invitations/:key/accept',
    {
      config: {
        ...config,
        activity: { action: 'user_added', target: { type: 'user', fromResponse: 'user_id' }, actorFromResponse: true },
      },
      schema: {
        operationId: 'acceptInvitation',
        tags,
        summary:
          'Accept an invitation: with a bearer token as that signed-in user, or as a new person with {password, first_name?, last_name?}',
        params: KeyParams,
        body: AcceptBody,
        response: { 200: envelope(AcceptedSchema) },
      },
    },
    async (req, reply) => {
      const principal = await caller(req, reply);
      const who = principal ? { principal } : { person: req.body ?? {} };
      return ok(await service.accept(req.params.key, who));
    },
  );

  app.post(
    '/1/invitations/:key/decline',
    {
      config: { ...config, activity: { none: 'declining changes no organisation (the inviter is notified)' } },
      schema: {
        operationId: 'declineInvitation',
        tags,
        summary: 'Decline an invitation',
        params: KeyParams,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.decline(req.params.key)),
  );
};
