import fp from 'fastify-plugin';
import { syncClock } from '../../shared/clock-store.js';
import { currentSandbox, runInScope } from '../../shared/scope.js';
import { nowSeconds } from '../../shared/time.js';
import { runDueRenewals, type RunSummary } from './renewal-run.js';

declare module 'fastify' {
  interface FastifyInstance {
    renewals: {
      /**
       * Runs the renewal job on the current scope's data (after any run in progress there on
       * this instance) and answers what it did; `at` is the time it runs at, now by default.
       */
      runNow(at?: number): Promise<RunSummary>;
    };
  }
}

/** What runs a job every so often: setInterval by default; tests give their own and fire it. */
export interface Ticker {
  every(ms: number, tick: () => Promise<void>): { stop(): void };
}

export const intervalTicker: Ticker = {
  every(ms, tick) {
    const timer = setInterval(() => void tick(), ms);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  },
};

/**
 * Runs the renewal job every `intervalSeconds` on this instance (0: only on demand, when the
 * control plane moves the clock), on the main data and in each sandbox open on it. Runs on
 * the same data never overlap on one instance; runs on several instances may, and the job is
 * written for that (renewal-run.ts).
 */
export const renewalScheduler = fp<{ intervalSeconds: number; ticker?: Ticker }>(
  async function renewalScheduler(app, { intervalSeconds, ticker = intervalTicker }) {
    // The run in progress per sandbox ('' for the main data).
    const running = new Map<string, Promise<RunSummary>>();

    async function runNow(at?: number): Promise<RunSummary> {
      const key = currentSandbox() ?? '';
      while (running.has(key)) await running.get(key)!.catch(() => undefined);
      const run = (async () => {
        await syncClock(app.db);
        const summary = await runDueRenewals(app.db, at ?? nowSeconds(), app.log);
        for (const [outcome, n] of Object.entries(summary)) if (n) app.metrics?.renewals.inc({ outcome }, n);
        return summary;
      })();
      running.set(key, run);
      try {
        return await run;
      } finally {
        running.delete(key);
      }
    }
    app.decorate('renewals', { runNow });

    if (intervalSeconds <= 0) return;
    let timer: { stop(): void } | undefined;
    app.addHook('onReady', async () => {
      timer = ticker.every(intervalSeconds * 1000, async () => {
        const scopes = [undefined, ...(await app.sandboxes?.openHere() ?? []).map((o) => o.scope)];
        for (const scope of scopes) {
          await runInScope(scope, () => runNow()).catch((err: unknown) => app.log.error({ err, sandbox: scope?.sandbox }, 'renewal run failed'));
        }
      });
    });
    app.addHook('onClose', async () => {
      timer?.stop();
      await Promise.all([...running.values()].map((r) => r.catch(() => undefined)));
    });
  },
  { name: 'renewal-scheduler', dependencies: ['db'] },
);
