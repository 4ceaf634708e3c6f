import fp from 'fastify-plugin';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../shared/errors.js';
import { sameSecret } from '../shared/secrets.js';
import { bearerOf } from './auth.js';
import { RouteMetrics } from './route-metrics.js';

/** Answers of reads kept, and sent again instead of being made afresh. */
export interface KeptAnswerCounts {
  kept: number;
  served: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: {
      registry: Registry;
      rateLimited: Counter;
      renewals: Counter<'outcome'>;
      keptAnswers: KeptAnswerCounts;
    };
  }
}

// Prometheus metrics at /metrics: requests by route and status, their latency (route-metrics.ts), the rate
// limiter's refusals, the renewal run's outcomes, the answers kept and served again, and the process's own (memory, event loop).
// Not rate limited; behind a bearer token when METRICS_TOKEN is set. A registry per app, so
// two apps in one process (tests) count apart.

/** The counters other parts of the app count on: the limiter's refusals, renewals, kept answers. */
function outcomeCounters(registry: Registry) {
  const rateLimited = new Counter({
    name: 'ikm_rate_limit_rejections_total',
    help: 'Requests refused by the 60-per-minute limit',
    registers: [registry],
  });
  const renewals = new Counter({
    name: 'ikm_renewal_attempts_total',
    help: 'Renewal run outcomes',
    labelNames: ['outcome'],
    registers: [registry],
  });
  // Counted by the answer cache in plain numbers (it counts on nearly every read), read when scraped.
  const keptAnswers: KeptAnswerCounts = { kept: 0, served: 0 };
  new Counter({
    name: 'ikm_kept_answers_total',
    help: 'Answers of reads kept (outcome "kept") and sent again instead of being made afresh ("served")',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ outcome: 'kept' }, keptAnswers.kept);
      this.inc({ outcome: 'served' }, keptAnswers.served);
    },
  });
  return { rateLimited, renewals, keptAnswers };
}

export default fp<{ token: string | undefined }>(
  async function metrics(app, { token }) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'ikm_' });
    const routes = new RouteMetrics();
    app.decorate('metrics', { registry, ...outcomeCounters(registry) });

    // A callback hook: this runs after every answer, and an async one costs a promise each time.
    app.addHook('onResponse', (req, reply, done) => {
      // Unknown paths share one label: a scan must not grow a series per path.
      const route = req.routeOptions.url ?? 'unmatched';
      if (route !== '/metrics') routes.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });

    app.get(
      '/metrics',
      { config: { auth: 'public', rateLimit: false }, schema: { hide: true } },
      async (req, reply) => {
        if (token) {
          if (!sameSecret(bearerOf(req) ?? '', token)) {
            reply.header('www-authenticate', 'Bearer realm="ik-mirror metrics"');
            throw new AppError('not_authorized', 'The metrics need the METRICS_TOKEN as bearer token');
          }
        }
        return reply.type(registry.contentType).send(`${await registry.metrics()}\n${routes.text()}`);
      },
    );
  },
  { name: 'metrics' },
);
