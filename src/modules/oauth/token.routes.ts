import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { ok } from '../../shared/reply.js';
import { principalOf } from '../../shared/principal.js';
import { authenticateClient, type TokenForm } from './client-auth.js';
import { issuerOf } from './issuer.js';
import { OAuthError } from './oauth-error.js';
import { jwks, metadata } from './oidc.js';
import {
  checkToken,
  endToken,
  introspectToken,
  mayReadUserInfo,
  revokeToken,
  userInfo,
} from './token-companions.service.js';
import { grantTypeOf, tokenService } from './token-service.js';

// The token endpoint and its companions (RFC 6749, 7009, 7662, 8414, OIDC). Form bodies,
// `{error, error_description}` errors, no caching of anything that carries a token.

const hidden = { hide: true };
const PUBLIC = { auth: 'public' as const };
const BEARER = { auth: { scopes: [] } };

/** A form body as strings; a field sent twice is invalid_request (RFC 6749 §3.2). */
function formOf(req: FastifyRequest): TokenForm {
  if (
    !/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '') ||
    !req.body ||
    typeof req.body !== 'object'
  ) {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  const out: TokenForm = {};
  for (const [k, v] of Object.entries(req.body)) {
    if (Array.isArray(v)) throw new OAuthError('invalid_request', `${k} is given more than once`);
    // Postgres cannot compare text holding a NUL character.
    if (typeof v === 'string' && v.includes('\u0000'))
      throw new OAuthError('invalid_request', `${k} holds a NUL character`);
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

const tokenOf = (form: TokenForm) => {
  if (!form.token) throw new OAuthError('invalid_request', 'token is required');
  return form.token;
};

/** Errors of this context speak OAuth, not the API envelope. */
function oauthErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  noStore(reply);
  if (err instanceof OAuthError) {
    if (err.status === 401 && /^Basic/i.test(req.headers.authorization ?? ''))
      reply.header('www-authenticate', 'Basic realm="ik-mirror"');
    if (err.retryAfter !== undefined) reply.header('retry-after', err.retryAfter);
    return reply.code(err.status).send({ error: err.error, error_description: err.description });
  }
  if (err.statusCode && err.statusCode < 500)
    return reply.code(400).send({ error: 'invalid_request', error_description: err.message });
  req.log.error({ err }, 'token endpoint failed');
  return reply.code(500).send({ error: 'server_error', error_description: 'The authorization server failed' });
}

function tokenEndpoint(app: FastifyInstance, store: RateLimitStore) {
  app.post(
    '/token',
    {
      config: {
        ...PUBLIC,
        activity: { none: 'a grant: a password sign-in records its own line (login_success, login_failed)' },
      },
      schema: hidden,
    },
    async (req, reply) => {
      const form = formOf(req);
      const grant = grantTypeOf(form);
      const client = await authenticateClient(app.db, req, form);
      const result = await tokenService(app.db, store, issuerOf(req)).grant(grant, client, form, {
        ip: req.ip,
        userAgent: req.headers['user-agent'] ?? '',
      });
      return noStore(reply).send(result);
    },
  );
}

function revocationAndIntrospection(app: FastifyInstance) {
  // RFC 7009: revoke an access or refresh token of this client; unknown tokens are not an error.
  app.post(
    '/token/revoke',
    {
      config: { ...PUBLIC, activity: { none: "a client giving up a token it holds (RFC 7009), not a user's change" } },
      schema: hidden,
    },
    async (req, reply) => {
      const form = formOf(req);
      const client = await authenticateClient(app.db, req, form);
      await revokeToken(app.db, client, tokenOf(form));
      return noStore(reply).code(200).send();
    },
  );

  // RFC 7662: what a token is, for a confidential client; tokens of other clients are inactive to it.
  app.post(
    '/token/introspect',
    { config: { ...PUBLIC, activity: { none: 'reads what a token is: changes nothing' } }, schema: hidden },
    async (req, reply) => {
      const form = formOf(req);
      const client = await authenticateClient(app.db, req, form, true);
      return noStore(reply).send(await introspectToken(app.db, client, tokenOf(form), issuerOf(req)));
    },
  );
}

export const tokenRoutes: FastifyPluginAsync<{ store: RateLimitStore }> = async (app, { store }) => {
  app.setErrorHandler(oauthErrors);
  tokenEndpoint(app, store);
  revocationAndIntrospection(app);
  app.get('/.well-known/oauth-authorization-server', { config: PUBLIC, schema: hidden }, async (req) =>
    metadata(issuerOf(req)),
  );
  app.get('/.well-known/openid-configuration', { config: PUBLIC, schema: hidden }, async (req) =>
    metadata(issuerOf(req)),
  );
  app.get('/.well-known/jwks.json', { config: PUBLIC, schema: hidden }, async () => jwks(app.db));
};

/** The bearer-token routes of the login host, answered in the API envelope as upstream does. */
export const bearerTokenRoutes: FastifyPluginAsync = async (app) => {
  app.delete(
    '/token',
    {
      config: { ...BEARER, activity: { action: 'oauth_token_revoked', target: { type: 'api_token' } } },
      schema: hidden,
    },
    async (req, reply) => {
      await endToken(app.db, principalOf(req).tokenId);
      return noStore(reply).send(ok(true));
    },
  );

  // Its answer is about the token itself, not its user: never kept (plugins/answer-cache.ts).
  app.get('/token/check', { config: { ...BEARER, keepAnswer: false }, schema: hidden }, async (req, reply) =>
    noStore(reply).send(ok(await checkToken(app.db, principalOf(req).tokenId))),
  );

  app.get('/oauth2/userinfo', { config: BEARER, schema: hidden }, async (req, reply) => {
    const p = principalOf(req);
    const scopes = [...p.scopes];
    if (!mayReadUserInfo(scopes)) {
      reply.header('www-authenticate', 'Bearer realm="ik-mirror", error="insufficient_scope", scope="openid"');
      return reply
        .code(403)
        .send({ error: 'insufficient_scope', error_description: 'The token needs the openid (or user_info) scope' });
    }
    return noStore(reply).send(await userInfo(app.db, p.user.id, scopes));
  });
};
