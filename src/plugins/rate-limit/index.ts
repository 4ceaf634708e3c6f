import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/errors.js';
import type { RateLimitStore } from './stores.js';

// 60 requests a minute per token (per client IP without one), as upstream. Replaces
// @fastify/rate-limit: its stores are per-route children and it keys before we know the
// token; this limiter keys on the token that `auth-identify` resolved.

/**
 * Whose budget a request spends: its token's, named by (half of) the token's hash, since an
 * id comes back after a snapshot restore or a reset and a new token must not inherit the old
 * one's count; half of it tells tokens apart as surely and keeps the stored hash out of the
 * store. Without a valid token, its client's address.
 */
const budgetOf = (req: FastifyRequest) => (req.principal ? `t:${req.principal.tokenHash.slice(0, 32)}` : `ip:${req.ip}`);

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  store: RateLimitStore;
}

export default fp<RateLimitOptions>(
  async function rateLimit(app, { max, windowMs, store }) {
    app.addHook('onClose', () => store.close());

    app.addHook('onRequest', async (req, reply) => {
      if (req.routeOptions.config.rateLimit === false) return;
      let hit;
      try {
        hit = await store.hit(budgetOf(req), windowMs);
      } catch (err) {
        // A shared store that is down must not take the API down with it.
        req.log.warn({ err }, 'rate-limit store unavailable; request let through');
        return;
      }
      const resetIn = Math.max(1, Math.ceil(hit.resetInMs / 1000));
      reply.header('x-ratelimit-limit', max);
      reply.header('x-ratelimit-remaining', Math.max(0, max - hit.count));
      reply.header('x-ratelimit-reset', resetIn);
      if (hit.count > max) {
        reply.header('retry-after', resetIn);
        req.server.metrics?.rateLimited.inc();
        throw new AppError('too_many_requests', `Rate limit of ${max} requests per minute exceeded`, {
          limit: max,
          retry_after: resetIn,
        });
      }
    });
  },
  { name: 'rate-limit', dependencies: ['auth-identify'] },
);
