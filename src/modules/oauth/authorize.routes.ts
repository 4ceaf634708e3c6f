import type {} from '@fastify/cookie';
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { nulCharacterErrors } from '../../plugins/input-rules.js';
import { hashToken } from '../../shared/secrets.js';
import { recordActivity } from '../activity/record.js';
import { nowSeconds } from '../../shared/time.js';
import { clientsRepository, type ClientRow } from './clients.repository.js';
import { csrfTokens } from './csrf.js';
import { cookieName, issuerOf, secureCookies } from './issuer.js';
import { parseScopes } from './oauth-scopes.js';
import { consentPage, errorPage, sendPage, signInPage } from './pages.js';
import { SESSION_TTL, sessionUser, signIn } from './sign-in.js';
import { refusalMessage } from './sign-in-throttle.js';
import { CODE_TTL } from './token-service.js';

// GET /authorize shows the sign-in page (no session) or the consent page; the pages post back
// to the same URL. The request is checked in full on every step: an unknown client or a
// redirect URI that is not registered exactly gets an error page, never a redirect (RFC 9700
// §4.1); other errors go back to the client with `error`, `state` and `iss` (RFC 9207).

const sessionCookie = (req: FastifyRequest) => cookieName(req, 'ikm_session');

type Query = Record<string, string | undefined>;

interface Checked {
  client: ClientRow;
  redirectUri: string;
  state?: string;
  scopes: string[];
  challenge: string;
  nonce: string | null;
  offline: boolean;
}

class PageError extends Error {}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as string | undefined;

function redirectWith(reply: FastifyReply, req: FastifyRequest, uri: string, params: Record<string, string | undefined>) {
  const u = new URL(uri);
  for (const [k, v] of Object.entries({ ...params, iss: issuerOf(req) })) if (v !== undefined) u.searchParams.set(k, v);
  return reply.code(303).header('cache-control', 'no-store').redirect(u.toString(), 303);
}

/** Validates the authorization request; answers the error redirect to send instead, if any. */
async function check(req: FastifyRequest, q: Query): Promise<Checked | { redirect: Record<string, string | undefined>; to: string }> {
  // Postgres cannot compare text holding a NUL character: such a request is refused before any lookup.
  const nul = [...nulCharacterErrors(q), ...nulCharacterErrors(req.body ?? {})][0];
  if (nul) throw new PageError(`The request's ${nul.instancePath.slice(1)} holds a NUL character.`);
  const client = q.client_id ? await clientsRepository.byClientId(req.server.db, q.client_id) : undefined;
  if (!client) throw new PageError('The application (client_id) is unknown.');
  if (!q.redirect_uri || !client.redirect_uris.includes(q.redirect_uri)) {
    throw new PageError('The redirect_uri is not one the application registered: nothing is sent to it.');
  }
  const fail = (error: string, description: string) => ({ to: q.redirect_uri!, redirect: { error, error_description: description, state: q.state } });
  if (q.response_type !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
  if (!q.code_challenge) return fail('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
  if (q.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  if (!/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge)) return fail('invalid_request', 'code_challenge is not a base64url SHA-256');
  const scopes = parseScopes(q.scope);
  if (!scopes) return fail('invalid_scope', 'An unknown scope was asked for');
  return {
    client, redirectUri: q.redirect_uri, state: q.state, scopes, challenge: q.code_challenge, nonce: q.nonce ?? null,
    offline: q.access_type === 'offline',
  };
}


export const authorizeRoutes: FastifyPluginAsync<{ store: RateLimitStore }> = async (app, { store }) => {
  const csrf = csrfTokens(app.db);
  const config = { auth: 'public' as const };
  const schema = { hide: true };

  async function show(req: FastifyRequest, reply: FastifyReply, c: Checked, signInError?: { message: string; status: number; email?: string }) {
    const action = req.url;
    const session = signInError ? undefined : await sessionUser(app.db, req.cookies[sessionCookie(req)]);
    if (!session) {
      const page = signInPage({ action, csrf: await csrf.forSignIn(req, reply), clientName: c.client.name, email: signInError?.email, error: signInError?.message });
      return sendPage(reply, signInError?.status ?? 200, 'Sign in', page);
    }
    const user = await app.db.selectFrom('users').select('email').where('id', '=', session.userId).executeTakeFirstOrThrow();
    const page = consentPage({ action, csrf: await csrf.forConsent(session.tokenHash), clientName: c.client.name, userEmail: user.email, scopes: c.scopes });
    return sendPage(reply, 200, 'Allow access', page, new URL(c.redirectUri).origin);
  }

  async function handle(req: FastifyRequest, reply: FastifyReply, step: (c: Checked) => Promise<unknown>) {
    try {
      const c = await check(req, req.query as Query);
      if ('redirect' in c) return redirectWith(reply, req, c.to, c.redirect);
      return await step(c);
    } catch (err) {
      if (err instanceof PageError) return sendPage(reply, 400, 'Error', errorPage(err.message));
      throw err;
    }
  }

  app.get('/authorize', { config, schema }, (req, reply) => handle(req, reply, (c) => show(req, reply, c)));

  app.post('/authorize', { config: { ...config, activity: { none: 'the sign-in and the consent record their own lines (login_success, oauth_application_authorized)' } }, schema }, (req, reply) => handle(req, reply, async (c) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const step = first(form.step);
    if (step === 'sign_in') {
      if (!(await csrf.signInValid(req, first(form.csrf) ?? ''))) return sendPage(reply, 403, 'Error', errorPage('The form expired or did not come from this page. Reload it and try again.'));
      const email = first(form.email) ?? '';
      const result = await signIn(app.db, store, email, first(form.password) ?? '', { ip: req.ip, userAgent: req.headers['user-agent'] ?? '' });
      if (!result.ok) {
        const message = result.reason === 'invalid' ? 'Wrong e-mail address or password.' : refusalMessage(result);
        return show(req, reply, c, { message, status: result.reason === 'invalid' ? 401 : 429, email });
      }
      reply.setCookie(sessionCookie(req), result.sessionSecret, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies(req), maxAge: SESSION_TTL });
      return reply.code(303).redirect(req.url, 303);
    }
    if (step === 'consent') {
      const session = await sessionUser(app.db, req.cookies[sessionCookie(req)]);
      if (!session) return show(req, reply, c);
      if (!(await csrf.consentValid(first(form.csrf) ?? '', session.tokenHash))) {
        return sendPage(reply, 403, 'Error', errorPage('The form expired or did not come from this page. Reload it and try again.'));
      }
      if (first(form.decision) !== 'allow') {
        return redirectWith(reply, req, c.redirectUri, { error: 'access_denied', error_description: 'The user denied access', state: c.state });
      }
      const code = randomBytes(32).toString('base64url');
      const now = nowSeconds();
      await app.db.insertInto('oauth_codes').values({
        code_hash: hashToken(code), client_id: c.client.id, user_id: session.userId, redirect_uri: c.redirectUri, scopes: c.scopes,
        code_challenge: c.challenge, nonce: c.nonce, offline: c.offline, auth_time: session.authTime, expires_at: now + CODE_TTL,
      }).execute();
      await recordActivity(app.db, {
        user_id: session.userId, action: 'oauth_application_authorized', target_type: 'oauth_client', target_id: c.client.id,
        ip: req.ip, user_agent: req.headers['user-agent'] ?? null,
      });
      return redirectWith(reply, req, c.redirectUri, { code, state: c.state });
    }
    return sendPage(reply, 400, 'Error', errorPage('The form is incomplete. Reload the page and try again.'));
  }));
};
