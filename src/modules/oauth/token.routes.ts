import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { ok } from '../../shared/reply.js';
import { hashToken } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { authenticateClient, type TokenForm } from './client-auth.js';
import { issuerOf } from './issuer.js';
import { OAuthError } from './oauth-error.js';
import { claimsOf, jwks, metadata } from './oidc.js';
import { revokeFamily, tokenService } from './token-service.js';

// The token endpoint and its companions (RFC 6749, 7009, 7662, 8414, OIDC). Form bodies,
// `{error, error_description}` errors, no caching of anything that carries a token.

const hidden = { hide: true };
const PUBLIC = { auth: 'public' as const };
const BEARER = { auth: { scopes: [] } };

/** A form body as strings; a field sent twice is invalid_request (RFC 6749 §3.2). */
function formOf(req: FastifyRequest): TokenForm {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '') || !req.body || typeof req.body !== 'object') {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  const out: TokenForm = {};
  for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) {
    if (Array.isArray(v)) throw new OAuthError('invalid_request', `${k} is given more than once`);
    // Postgres cannot compare text holding a NUL character.
    if (typeof v === 'string' && v.includes('\u0000')) throw new OAuthError('invalid_request', `${k} holds a NUL character`);
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

export const tokenRoutes: FastifyPluginAsync<{ store: RateLimitStore }> = async (app, { store }) => {
  // Errors of this context speak OAuth, not the API envelope.
  app.setErrorHandler((err, req, reply) => {
    noStore(reply);
    if (err instanceof OAuthError) {
      if (err.status === 401 && /^Basic/i.test(req.headers.authorization ?? '')) reply.header('www-authenticate', 'Basic realm="ik-mirror"');
      if (err.retryAfter !== undefined) reply.header('retry-after', err.retryAfter);
      return reply.code(err.status).send({ error: err.error, error_description: err.description });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(400).send({ error: 'invalid_request', error_description: (err as Error).message });
    req.log.error({ err }, 'token endpoint failed');
    return reply.code(500).send({ error: 'server_error', error_description: 'The authorization server failed' });
  });

  app.post('/token', { config: { ...PUBLIC, activity: { none: 'a grant: a password sign-in records its own line (login_success, login_failed)' } }, schema: hidden }, async (req, reply) => {
    const form = formOf(req);
    const grant = form.grant_type;
    if (!grant) throw new OAuthError('invalid_request', 'grant_type is required');
    const known = ['authorization_code', 'refresh_token', 'password', 'client_credentials'];
    if (!known.includes(grant)) throw new OAuthError('unsupported_grant_type', `grant_type must be one of ${known.join(', ')}`);
    const client = await authenticateClient(app.db, req, form);
    const tokens = tokenService(app.db, store, issuerOf(req));
    const result = grant === 'authorization_code' ? await tokens.authorizationCode(client, form)
      : grant === 'refresh_token' ? await tokens.refresh(client, form)
      : grant === 'password' ? await tokens.password(client, form, { ip: req.ip, userAgent: req.headers['user-agent'] ?? '' })
      : await tokens.clientCredentials(client, form);
    return noStore(reply).send(result);
  });

  // RFC 7009: revoke an access or refresh token of this client; unknown tokens are not an error.
  app.post('/token/revoke', { config: { ...PUBLIC, activity: { none: 'a client giving up a token it holds (RFC 7009), not a user\'s change' } }, schema: hidden }, async (req, reply) => {
    const form = formOf(req);
    const client = await authenticateClient(app.db, req, form);
    const token = form.token;
    if (!token) throw new OAuthError('invalid_request', 'token is required');
    const hash = hashToken(token);
    const refresh = await app.db.selectFrom('oauth_refresh_tokens').select(['family_id', 'client_id']).where('token_hash', '=', hash).executeTakeFirst();
    if (refresh?.client_id === client.id) await revokeFamily(app.db, refresh.family_id);
    else {
      await app.db.updateTable('api_tokens').set({ revoked_at: nowSeconds() })
        .where('token_hash', '=', hash).where('client_id', '=', client.id).where('revoked_at', 'is', null).execute();
    }
    return noStore(reply).code(200).send();
  });

  // RFC 7662: what a token is, for a confidential client; tokens of other clients are inactive to it.
  app.post('/token/introspect', { config: { ...PUBLIC, activity: { none: 'reads what a token is: changes nothing' } }, schema: hidden }, async (req, reply) => {
    const form = formOf(req);
    const client = await authenticateClient(app.db, req, form, true);
    if (!form.token) throw new OAuthError('invalid_request', 'token is required');
    const hash = hashToken(form.token);
    const now = nowSeconds();
    const base = { iss: issuerOf(req), client_id: client.client_id };
    const access = await app.db.selectFrom('api_tokens as t').innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.scopes', 't.created_at', 't.expired_at', 't.revoked_at', 't.client_id', 't.user_id', 'u.email'])
      .where('t.token_hash', '=', hash).executeTakeFirst();
    if (access && access.client_id === client.id && access.revoked_at === null && (access.expired_at === null || Number(access.expired_at) > now)) {
      return noStore(reply).send({
        active: true, ...base, token_type: 'Bearer', scope: access.scopes.join(' '), sub: String(access.user_id), username: access.email,
        iat: Number(access.created_at), ...(access.expired_at === null ? {} : { exp: Number(access.expired_at) }),
      });
    }
    const refresh = await app.db.selectFrom('oauth_refresh_tokens as r').innerJoin('users as u', 'u.id', 'r.user_id')
      .select(['r.scopes', 'r.created_at', 'r.used_at', 'r.revoked_at', 'r.client_id', 'r.user_id', 'u.email'])
      .where('r.token_hash', '=', hash).executeTakeFirst();
    if (refresh && refresh.client_id === client.id && refresh.revoked_at === null && refresh.used_at === null) {
      return noStore(reply).send({
        active: true, ...base, token_type: 'refresh_token', scope: refresh.scopes.join(' '), sub: String(refresh.user_id), username: refresh.email,
        iat: Number(refresh.created_at),
      });
    }
    return noStore(reply).send({ active: false });
  });

  app.get('/.well-known/oauth-authorization-server', { config: PUBLIC, schema: hidden }, async (req) => metadata(issuerOf(req)));
  app.get('/.well-known/openid-configuration', { config: PUBLIC, schema: hidden }, async (req) => metadata(issuerOf(req)));
  app.get('/.well-known/jwks.json', { config: PUBLIC, schema: hidden }, async () => jwks(app.db));
};

/** The bearer-token routes of the login host, answered in the API envelope as upstream does. */
export const bearerTokenRoutes: FastifyPluginAsync = async (app) => {
  app.delete('/token', { config: { ...BEARER, activity: { action: 'oauth_token_revoked', target: { type: 'api_token' } } }, schema: hidden }, async (req, reply) => {
    await app.db.updateTable('api_tokens').set({ revoked_at: nowSeconds() }).where('id', '=', req.principal!.tokenId).execute();
    return noStore(reply).send(ok(true));
  });

  app.get('/token/check', { config: BEARER, schema: hidden }, async (req, reply) => {
    const t = await app.db.selectFrom('api_tokens as t').leftJoin('oauth_clients as c', 'c.id', 't.client_id')
      .select(['t.user_id', 't.scopes', 't.expired_at', 't.kind', 'c.client_id']).where('t.id', '=', req.principal!.tokenId).executeTakeFirstOrThrow();
    return noStore(reply).send(ok({ user_id: t.user_id, scopes: t.scopes, expires_at: t.expired_at, kind: t.kind, client_id: t.client_id }));
  });

  app.get('/oauth2/userinfo', { config: BEARER, schema: hidden }, async (req, reply) => {
    const p = req.principal!;
    const scopes = [...p.scopes];
    if (!scopes.includes('openid') && !scopes.includes('user_info')) {
      reply.header('www-authenticate', 'Bearer realm="ik-mirror", error="insufficient_scope", scope="openid"');
      return reply.code(403).send({ error: 'insufficient_scope', error_description: 'The token needs the openid (or user_info) scope' });
    }
    const u = await app.db.selectFrom('users').select(['id', 'email', 'first_name', 'last_name', 'avatar', 'locale']).where('id', '=', p.user.id).executeTakeFirstOrThrow();
    const phone = await app.db.selectFrom('user_phones').select('phone').where('user_id', '=', u.id).orderBy('id').limit(1).executeTakeFirst();
    return noStore(reply).send(claimsOf({ ...u, phone: phone?.phone ?? null }, scopes));
  });
};
