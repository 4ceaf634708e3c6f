import fp from 'fastify-plugin';
import { AppError } from '../../shared/errors.js';
import type { RateLimitStore } from './stores.js';

// 60 requests a minute per token (per client IP without one), as upstream. Replaces
// @fastify/rate-limit: its stores are per-route children and it keys before we know the
// token; this limiter keys on the token that `auth-identify` resolved.

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
      const key = req.principal ? `t:${req.principal.tokenId}` : `ip:${req.ip}`;
      let hit;
      try {
        hit = await store.hit(key, windowMs);
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
