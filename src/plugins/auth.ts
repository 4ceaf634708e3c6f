import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../shared/errors.js';
import { sameSecret } from '../shared/secrets.js';
import { principalOf, type Principal } from '../shared/principal.js';
import { isRecord } from '../shared/is-record.js';
import { runKnowing } from '../shared/known-membership.js';
import type { RouteAuth } from '../shared/scopes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route: 'public', or the scopes a bearer token must carry. */
    auth?: RouteAuth;
    /** false exempts the route from the rate limit (health checks only). */
    rateLimit?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    authFailure: AppError | null;
  }
}

/** Finds the token's principal; with `accountId`, also the caller's membership of that organisation. */
export type Authenticator = (secret: string, accountId?: number) => Promise<Principal | AppError>;

/** The bearer token of the request: undefined without one, '' when the header is malformed. */
export function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : '';
}

/**
 * Whether the request's bearer is the MIRROR_ADMIN_TOKEN, compared in constant time. Read from
 * the header itself, so hooks that run before the token is looked up (sandboxes, faults) can ask.
 */
export function bearsAdminToken(req: FastifyRequest, token: string | undefined): boolean {
  const given = bearerOf(req);
  return !!token && !!given && sameSecret(given, token);
}

function unauthorized(description: string, error?: string): AppError {
  return new AppError('not_authorized', description, error ? { reason: error } : undefined);
}

function challenge(reply: FastifyReply, failure: AppError) {
  const reason = failure.context?.reason;
  // RFC 6750 §3.1: the error names what was wrong (invalid_request for a malformed header).
  const detail =
    typeof reason === 'string' && reason ? `, error="${reason}", error_description="${failure.description}"` : '';
  reply.header('www-authenticate', `Bearer realm="ik-mirror"${detail}`);
}

/**
 * The organisation a read of one organisation's data names in its path (`:account` or
 * `:account_id`): its caller's membership is asked with the token. Changes read it afresh,
 * unless their route says they never change one (RouteAccess.membershipWithToken).
 */
function organisationRead(req: FastifyRequest): number | undefined {
  const access = req.routeOptions.config.access;
  if (!access || access.scoped === false) return undefined;
  if (req.method !== 'GET' && !access.membershipWithToken) return undefined;
  const params: Record<string, unknown> = isRecord(req.params) ? req.params : {};
  const raw = params.account ?? params.account_id;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,8}$/.test(raw)) return undefined;
  return Number(raw);
}

/** Finds who calls, into req.principal or req.authFailure; never throws. */
async function identify(req: FastifyRequest, authenticate: Authenticator): Promise<void> {
  const auth = req.routeOptions.config.auth;
  if (!auth || auth === 'public' || auth === 'mirror-admin') return;
  const secret = bearerOf(req);
  if (secret === undefined) req.authFailure = unauthorized('An access token is required');
  else if (secret === '') req.authFailure = unauthorized('Malformed Authorization header', 'invalid_request');
  else {
    const found = await authenticate(secret, organisationRead(req));
    if (found instanceof AppError) req.authFailure = found;
    else req.principal = found;
  }
}

/**
 * Two hooks around the rate limiter: `identify` finds who calls (never throws, so that failed
 * attempts are still counted per IP), `enforce` then refuses a bad token or a missing scope.
 */
export default fp<{ authenticate: Authenticator }>(
  async function auth(app, { authenticate }) {
    app.decorateRequest('principal', null);
    app.decorateRequest('authFailure', null);

    // Fail closed: a route that does not say who may call it stops the app from booting.
    app.addHook('onRoute', (route) => {
      if (!route.config?.auth) throw new Error(`route ${String(route.method)} ${route.url} declares no auth`);
    });

    // A callback hook: the rest of the request runs knowing the membership read with the token.
    app.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      identify(req, authenticate).then(
        () => (req.principal?.membership ? runKnowing(req.principal.membership, () => done()) : done()),
        (err: Error) => done(err),
      );
    });
  },
  { name: 'auth-identify' },
);

/** Throws what refuses the caller: a bad token, a missing scope, a control-plane call without the operator's token. */
function checkCaller(req: FastifyRequest, reply: FastifyReply): void {
  const auth = req.routeOptions.config.auth;
  if (!auth || auth === 'public') return;
  if (auth === 'mirror-admin') return checkAdmin(req, reply, req.server.config.MIRROR_ADMIN_TOKEN);
  if (req.authFailure) {
    challenge(reply, req.authFailure);
    throw req.authFailure;
  }
  const missing = auth.scopes.filter((s) => !principalOf(req).scopes.has(s));
  if (missing.length) {
    throw new AppError('access_denied', `The token lacks the required scope: ${missing.join(', ')}`, {
      missing_scopes: missing,
    });
  }
}

/** Registered after the rate limiter: refuses what `identify` found wanting. */
export const enforceAuth = fp(
  async function enforce(app) {
    // A callback hook: it runs on every request, and an async one costs each a promise.
    app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      try {
        checkCaller(req, reply);
      } catch (err) {
        return done(err instanceof Error ? err : new Error('The caller could not be checked', { cause: err }));
      }
      done();
    });
  },
  { name: 'auth-enforce', dependencies: ['auth-identify'] },
);

/**
 * The control plane answers only to the operator's token, compared in constant time; without
 * one configured it does not exist (404, like any unknown route).
 */
function checkAdmin(req: FastifyRequest, reply: FastifyReply, token: string | undefined) {
  if (!token) throw new AppError('method_not_found', `No route ${req.method} ${req.url.split('?')[0]}`);
  if (!bearsAdminToken(req, token)) {
    const failure = unauthorized('The control plane needs the MIRROR_ADMIN_TOKEN as bearer token');
    challenge(reply, failure);
    throw failure;
  }
}

export { unauthorized };
