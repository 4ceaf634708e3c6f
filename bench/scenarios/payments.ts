import { withDb, type Target } from '../database.js';
import type { PaymentOrgs } from '../invoices-seed.js';
import { run, summarise, TokenFeeder, type Measured, type Shot } from '../load.js';
import { checkPayments } from '../payment-checks.js';
import { fixed, msText, type Report } from '../report.js';
import { sampleRss, withServer } from '../server-process.js';
import { settings, TARGETS } from '../settings.js';

// "Pay one invoice": POST /1/accounts/{a}/payments paying a different unpaid invoice from the
// prepaid account on each request, 50 connections on one organisation (its payments take its
// row lock one after the other) and then spread over many organisations (side by side). After
// each, SQL checks that the money came out right.

interface Org {
  accountId: number;
  invoices: number[];
}

/** The n-th payment: organisations in turn, each paying its invoices in order. */
function payments(orgs: Org[]) {
  let n = 0;
  let ranOut = false;
  const next = (): Shot => {
    const i = n++;
    const org = orgs[i % orgs.length];
    const index = Math.floor(i / orgs.length);
    if (index >= org.invoices.length) ranOut = true;
    return {
      path: `/1/accounts/${org.accountId}/payments`,
      body: { invoice_ids: [org.invoices[index % org.invoices.length]], method: 'prepaid' },
    };
  };
  return { next, ranOut: () => ranOut, sent: () => n };
}

interface PaymentRun {
  m: Measured;
  /** Payments answered 2xx and payments sent, warm-up included (what the SQL checks count). */
  counts: { answered: number; sent: number };
  maxRss: number;
  ranOut: boolean;
}

async function payRun(target: Target, orgs: Org[], tokens: string[]): Promise<PaymentRun> {
  return withServer('ikm', target, async (server) => {
    const sampler = sampleRss(server);
    const feeder = new TokenFeeder(tokens);
    const shots = payments(orgs);
    const load = { port: server.port, feeder, connections: settings.connections, next: shots.next };
    let warm = 0;
    if (settings.warmup > 0) warm = summarise(await run({ ...load, duration: settings.warmup }), 0).ok;
    const cpuBefore = await server.cpuMicros();
    const result = await run({ ...load, duration: settings.duration });
    const m = summarise(result, (await server.cpuMicros()) - cpuBefore);
    return {
      m,
      counts: { answered: warm + m.ok, sent: shots.sent() },
      maxRss: await sampler.stop(),
      ranOut: shots.ranOut(),
    };
  });
}

interface Case {
  name: string;
  orgs: Org[];
  targetRps: number;
  targetP99?: number;
}

async function payCase(report: Report, target: Target, c: Case, tokens: string[]): Promise<PaymentRun> {
  const r = await payRun(target, c.orgs, tokens);
  const { m } = r;
  console.log(
    `  ${c.name}: ${fixed(m.rps)} payments/s  p50 ${msText(m.p50)} ms  p99 ${msText(m.p99)} ms  ${fixed(m.cpuPerReq / 1000, 2)} ms CPU/payment  (${m.codes})`,
  );
  const section = 'payments';
  // A run in which no payment came back has no figures: every check of it fails.
  const answered = m.total > 0;
  const clean = answered && m.non2xx === 0 && m.errors === 0;
  const cpuMs = m.cpuPerReq / 1000;
  report.check({
    section,
    name: `${c.name}: payments/s`,
    value: fixed(m.rps),
    target: `≥ ${c.targetRps}`,
    pass: m.rps >= c.targetRps && clean,
  });
  if (c.targetP99 !== undefined)
    report.check({
      section,
      name: `${c.name}: p99`,
      value: answered ? `${msText(m.p99)} ms` : 'no answer',
      target: `≤ ${c.targetP99} ms`,
      pass: answered && m.p99 <= c.targetP99,
    });
  report.check({
    section,
    name: `${c.name}: server CPU per payment`,
    value: answered ? `${fixed(cpuMs, 2)} ms` : 'no answer',
    target: `≤ ${TARGETS.cpuPerPaymentMs} ms`,
    pass: answered && cpuMs <= TARGETS.cpuPerPaymentMs,
  });
  report.check({
    section,
    name: `${c.name}: all answered 2xx`,
    value: m.codes || `no answer within ${settings.duration} s`,
    target: 'no other status',
    pass: clean,
  });
  if (r.ranOut)
    report.note(
      `${c.name}: the seeded invoices ran out (later requests paid paid invoices); raise BENCH_INVOICES / BENCH_ORG_INVOICES.`,
    );
  const checks = await withDb(target, (db) =>
    checkPayments(
      db,
      c.orgs.map((o) => o.accountId),
      r.counts,
    ),
  );
  for (const k of checks)
    report.check({ section, name: `${c.name}: ${k.name}`, value: k.value, target: k.target, pass: k.pass });
  return r;
}

export async function measurePayments(report: Report, target: Target, seeded: PaymentOrgs): Promise<number> {
  report.heading(
    `payments: POST /1/accounts/{a}/payments, ${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s`,
  );
  const tokens = seeded.owner.tokens;
  const cases: Case[] = [
    {
      name: 'one organisation',
      orgs: [seeded.one],
      targetRps: TARGETS.paymentsOneOrg,
      targetP99: TARGETS.paymentsOneOrgP99Ms,
    },
  ];
  if (seeded.many.length)
    cases.push({ name: `${seeded.many.length} organisations`, orgs: seeded.many, targetRps: TARGETS.paymentsManyOrgs });
  const rows: string[][] = [];
  let maxRss = 0;
  for (const c of cases) {
    const { m, maxRss: rss } = await payCase(report, target, c, tokens);
    maxRss = Math.max(maxRss, rss);
    rows.push([
      c.name,
      String(c.orgs.length),
      fixed(m.rps),
      msText(m.p50),
      msText(m.p99),
      fixed(m.cpuPerReq / 1000, 2),
      m.codes,
    ]);
  }
  report.table({
    title: 'Payments (pay one invoice from the prepaid account per request)',
    columns: ['case', 'organisations', 'payments/s', 'p50 ms', 'p99 ms', 'ms CPU/payment', 'answers'],
    rows,
  });
  return maxRss;
}
