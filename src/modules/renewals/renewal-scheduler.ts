import fp from 'fastify-plugin';
import { syncClock } from '../../shared/clock-store.js';
import { nowSeconds } from '../../shared/time.js';
import { runDueRenewals, type RunSummary } from './renewal-run.js';

declare module 'fastify' {
  interface FastifyInstance {
    renewals: {
      /** Runs the renewal job now (after any run in progress on this instance) and answers what it did. */
      runNow(): Promise<RunSummary>;
    };
  }
}

/**
 * Runs the renewal job every `intervalSeconds` on this instance (0: only on demand, when the
 * control plane moves the clock). Runs on one instance never overlap; runs on several
 * instances may, and the job is written for that (renewal-run.ts).
 */
export const renewalScheduler = fp<{ intervalSeconds: number }>(
  async function renewalScheduler(app, { intervalSeconds }) {
    let running: Promise<RunSummary> | null = null;

    async function runNow(): Promise<RunSummary> {
      while (running) await running.catch(() => undefined);
      const run = (async () => {
        await syncClock(app.db);
        const summary = await runDueRenewals(app.db, nowSeconds(), app.log);
        for (const [outcome, n] of Object.entries(summary)) if (n) app.metrics?.renewals.inc({ outcome }, n);
        return summary;
      })();
      running = run;
      try {
        return await run;
      } finally {
        running = null;
      }
    }
    app.decorate('renewals', { runNow });

    if (intervalSeconds <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        runNow().catch((err: unknown) => app.log.error({ err }, 'renewal run failed'));
      }, intervalSeconds * 1000);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    });
  },
  { name: 'renewal-scheduler', dependencies: ['db'] },
);
