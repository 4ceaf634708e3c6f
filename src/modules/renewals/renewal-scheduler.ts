import fp from 'fastify-plugin';
import { syncClock } from '../../db/clock.js';
import { currentSandbox, runInScope } from '../../shared/scope.js';
import { nowSeconds } from '../../shared/time.js';
import { resolvePendingCharges, type ChargeSummary } from '../payments/index.js';
import { pendingRenewalSettled, runDueRenewals, type RunSummary } from './renewal-run.js';

/** What one run of the jobs did: pending charges resolved first, then the renewals due. */
export interface JobsSummary {
  charges: ChargeSummary;
  renewals: RunSummary;
}

declare module 'fastify' {
  interface FastifyInstance {
    renewals: {
      /**
       * Runs the jobs on the current scope's data (after any run in progress there on this
       * instance): pending charges resolved, then the renewal run; `at` is the time they run
       * at, now by default.
       */
      runJobs(at?: number): Promise<JobsSummary>;
      /** `runJobs`, answering what the renewal run did. */
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
    const running = new Map<string, Promise<JobsSummary>>();

    async function runJobs(at?: number): Promise<JobsSummary> {
      const key = currentSandbox() ?? '';
      // Wait for the run in progress on this data, and for any that started while we waited.
      for (let earlier = running.get(key); earlier; earlier = running.get(key)) await earlier.catch(() => undefined);
      const run = (async () => {
        await syncClock(app.db);
        const now = at ?? nowSeconds();
        // Charges first: a renewal whose earlier charge has just succeeded is not due any more.
        const charges = await resolvePendingCharges(app.db, now, pendingRenewalSettled, app.log);
        const renewals = await runDueRenewals(app.db, now, app.log);
        const byOutcome: Record<string, number> = { ...renewals };
        for (const [outcome, n] of Object.entries(byOutcome)) if (n) app.metrics?.renewals.inc({ outcome }, n);
        return { charges, renewals };
      })();
      running.set(key, run);
      try {
        return await run;
      } finally {
        running.delete(key);
      }
    }
    app.decorate('renewals', { runJobs, runNow: async (at?: number) => (await runJobs(at)).renewals });

    if (intervalSeconds <= 0) return;
    let timer: { stop(): void } | undefined;
    app.addHook('onReady', async () => {
      timer = ticker.every(intervalSeconds * 1000, async () => {
        const scopes = [undefined, ...((await app.sandboxes?.openHere()) ?? []).map((o) => o.scope)];
        for (const scope of scopes) {
          await runInScope(scope, () => runJobs()).catch((err: unknown) =>
            app.log.error({ err, sandbox: scope?.sandbox }, 'renewal run failed'),
          );
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
