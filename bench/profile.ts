import { createTarget, withDb, type Target } from './database.js';
import { saveResults } from './docs.js';
import { seedPaymentOrgs } from './invoices-seed.js';
import { seedReadOrg } from './read-seed.js';
import { fixed, Report } from './report.js';
import { runMain } from './cleanup.js';
import { measureControlPlane } from './scenarios/control-plane.js';
import { measureGrowth } from './scenarios/growth.js';
import { measurePayments } from './scenarios/payments.js';
import { mb, measureReads } from './scenarios/reads.js';
import { runs, settings, TARGETS } from './settings.js';
import { measureStart } from './start.js';

// `npm run bench`: what issue 16 asks of ik-mirror's performance, measured A/B in one run on a
// throwaway database, each server in a child process driven by autocannon from this one:
// reads (8 hot routes against a bare Fastify baseline doing only the auth lookup), payments
// (one organisation, then 50 in parallel, with SQL checks of the money), flat cost as data
// grows, memory, start, and the control plane. Prints tables and PASS/FAIL per target, keeps
// the results in docs/benchmarks/<engine>.json and makes docs/benchmarks.md again (docs.ts).
// It is a measurement: the exit code is 0 whatever the figures, non-zero only when the bench
// itself could not run. `npm run bench:peers` (peers.ts) measures the Prism mock.
//
// Environment (defaults in brackets):
//   DATABASE_URL              Postgres server: a throwaway database is made there and dropped
//                             at the end [unset: embedded PGlite in a temporary directory]
//   BENCH_DURATION            seconds per measurement [10]
//   BENCH_WARMUP              seconds of warm-up before each [2]
//   BENCH_CONNECTIONS         autocannon connections, reads and payments [50]
//   BENCH_ROUNDS              rounds of the read comparison, medians reported [3]
//   BENCH_TOKENS              API tokens of the read user (payments and growth users get fewer) [20000]
//   BENCH_ROUTES              only these read routes, comma-separated parts of their labels [all 8]
//   BENCH_PATH                measure this one path instead of the 8 routes (profile targets)
//   BENCH_INVOICES            unpaid invoices of the one-organisation payment case [20000]
//   BENCH_ORGS                organisations of the parallel payment case [50]
//   BENCH_ORG_INVOICES        unpaid invoices of each of those [600]
//   BENCH_GROWTH_CONNECTIONS  connections of the growth part [10]
//   BENCH_GROWTH_SCALE        factor on the big growth sizes [1 on Postgres, 0.1 on PGlite; 0 skips]
//   BENCH_SEED_ROUNDS         rounds of each control-plane operation [5]
//   BENCH_START_ROUNDS        rounds of npm start → ready [5]
//   BENCH_ONLY                only these parts: reads,payments,growth,control,start [all]
//   BENCH_WRITE=0             print only: leave docs/benchmarks* as they are
//   BENCH_LOG_LEVEL           turns ik-mirror's logger on, to /dev/null [off]
//   BENCH_CPU_PROF=dir        children run with --cpu-prof into dir
//   BENCH_SAME_BYTES=0        skip the same-bytes ceiling of each read route (one more round of the routes) [on]
//   BENCH_AFRESH=0            skip the round of the read routes with no answer kept (ANSWER_CACHE_MB=0) [on]

const COMMAND = 'npm run bench';

async function seedAll(target: Target) {
  const started = Date.now();
  const seeded = await withDb(target, async (db) => ({
    reads: await seedReadOrg(db, settings.tokens + 1),
    payments: await seedPaymentOrgs(
      db,
      Math.max(200, Math.ceil(settings.tokens / 4)),
      settings.invoices,
      settings.orgs,
      settings.orgInvoices,
    ),
  }));
  console.log(
    `seeded the read organisation (${settings.tokens + 1} tokens) and ${settings.orgs + 1} payment organisations ` +
      `(${settings.invoices} + ${settings.orgs} × ${settings.orgInvoices} invoices) in ${Date.now() - started} ms`,
  );
  return seeded;
}

function reportMemory(report: Report, target: Target, idle: number, reads: number, payments: number): void {
  const limit = TARGETS.rssMb[target.kind];
  const peak = Math.max(reads, payments);
  report.table({
    title: `Memory of the ik-mirror child (resident set size, ${target.kind})`,
    columns: ['idle after start', 'max during reads', 'max during payments'],
    rows: [[mb(idle), reads ? mb(reads) : '–', payments ? mb(payments) : '–']],
  });
  const measured = Number.isFinite(idle) || peak > 0;
  if (measured)
    report.check({
      section: 'memory',
      name: 'RSS, idle and under load',
      value: `${mb(idle)} idle, ${mb(peak)} max`,
      target: `≤ ${limit} MB`,
      pass: Math.max(Number.isFinite(idle) ? idle : 0, peak) <= limit * 1024 * 1024,
    });
}

async function main() {
  const began = performance.now();
  const target = await createTarget();
  const report = new Report('engine', target.kind, target.kind === 'postgres' ? `DATABASE_URL=… ${COMMAND}` : COMMAND);
  const seeded = await seedAll(target);
  let idle = NaN;
  let readsRss = 0;
  let paymentsRss = 0;
  if (runs('reads')) {
    const r = await measureReads(report, target, seeded.reads.accountId, seeded.reads.tokens);
    idle = r.idleRss;
    readsRss = r.maxRss;
  }
  if (runs('payments')) paymentsRss = await measurePayments(report, target, seeded.payments);
  if (runs('reads') || runs('payments')) reportMemory(report, target, idle, readsRss, paymentsRss);
  if (runs('growth')) await measureGrowth(report, target);
  if (runs('start')) await measureStart(report, target, settings.startRounds);
  // Last: it empties every table.
  if (runs('control')) await measureControlPlane(report, target);
  if (target.kind === 'pglite')
    report.note('PGlite runs one query at a time in-process: the Postgres figures are the ones the targets are about.');
  report.results.durationS = (performance.now() - began) / 1000;
  const failed = report.results.checks.filter((c) => c.pass === false).length;
  console.log(`\n${report.results.checks.length} checks, ${failed} FAIL, in ${fixed(report.results.durationS)} s`);
  if (settings.write) saveResults(report.results);
}

runMain(main);
