import fp from 'fastify-plugin';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { RateLimitStore } from './stores.js';

// 60 requests a minute per token (per client IP without one), as upstream, on
// @fastify/rate-limit. Two of its defaults do not fit and are set aside through its own options:
// - it adds a hook to each route, and route hooks run after the application's: the count would
//   come after `enforce-auth` had refused a request without a token, so those (limited per IP)
//   would never be counted, nor would unknown routes. With `global: false` no route gets one;
//   the library's handler (`app.rateLimit()`) runs as an application hook instead, right after
//   `auth-identify` has resolved the token, before anything can refuse the request;
// - its stores are its own, and a route with options of its own gets a child store: the one
//   shared counter of the project's stores (memory, or Redis counting in one Lua script, exact
//   across instances) is what every route counts on (`child()` answers the same store).

/**
 * Whose budget a request spends: its token's, named by (half of) the token's hash, since an
 * id comes back after a snapshot restore or a reset and a new token must not inherit the old
 * one's count; half of it tells tokens apart as surely and keeps the stored hash out of the
 * store. Without a valid token, its client's address.
 */
const budgetOf = (req: FastifyRequest) =>
  req.principal ? `t:${req.principal.tokenHash.slice(0, 32)}` : `ip:${req.ip}`;

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  store: RateLimitStore;
}

type Counted = (err: Error | null, result?: { current: number; ttl: number }) => void;

/** The library's store interface (a class it instantiates) over one of the project's stores. */
function libraryStore(store: RateLimitStore, log: FastifyBaseLogger) {
  return class SharedCounter {
    incr(key: string, done: Counted, windowMs: number): void {
      store.hit(key, windowMs).then(
        (hit) => done(null, { current: hit.count, ttl: Math.max(1000, hit.resetInMs) }),
        (err: Error) => {
          // A shared store that is down must not take the API down with it (skipOnError).
          log.warn({ err }, 'rate-limit store unavailable; request let through');
          done(err);
        },
      );
    }

    child(): SharedCounter {
      return this;
    }
  };
}

export default fp<RateLimitOptions>(
  async function rateLimit(app, { max, windowMs, store }) {
    app.addHook('onClose', () => store.close());
    await app.register(fastifyRateLimit, {
      global: false,
      max,
      timeWindow: windowMs,
      keyGenerator: budgetOf,
      store: libraryStore(store, app.log),
      skipOnError: true,
      onExceeded: (req) => req.server.metrics?.rateLimited.inc(),
      errorResponseBuilder: (_req, { max: limit, ttl }) => {
        const retryAfter = Math.ceil(ttl / 1000);
        return new AppError('too_many_requests', `Rate limit of ${limit} requests per minute exceeded`, {
          limit,
          retry_after: retryAfter,
        });
      },
    });
    const limit = app.rateLimit();
    // A callback hook: an async one costs every request one more promise. The Manager console's
    // calls (a signed-in person clicking, not a client of the API) are not counted, as upstream's are not.
    app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (req.routeOptions.config.rateLimit === false || req.principal?.consoleSession !== undefined) return done();
      limit.call(app, req, reply).then(() => done(), done);
    });
  },
  { name: 'rate-limit', dependencies: ['auth-identify'] },
);
