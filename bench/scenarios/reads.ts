import type { Target } from '../database.js';
import { probe, TokenFeeder, type Measured } from '../load.js';
import { measureRoute } from '../measure.js';
import { reportSameBytes } from './same-bytes.js';
import { fixed, msText, medianFigures, type Figures, type ReadRoute, type Report } from '../report.js';
import { MB, sampleRss, withServer } from '../server-process.js';
import { reportAfresh } from './afresh.js';
import { settings, TARGETS } from '../settings.js';

// Reads with many tokens: each hot route of ik-mirror against the bare baseline (plain
// Fastify running ik-mirror's auth statement alone), A/B in the same run. Per round the
// baseline is measured once and shared by every route, and the order alternates between
// rounds, so a drift in the machine's load favours neither; figures are medians over rounds.

export interface RouteSpec {
  label: string;
  path: string;
  rps: number;
  p99: number;
}

export function readRoutes(accountId: number): RouteSpec[] {
  const a = accountId;
  const list = { rps: TARGETS.listRps, p99: TARGETS.listP99 };
  const custom = process.env.BENCH_PATH;
  if (custom) return [{ label: custom, path: custom, rps: TARGETS.profileRps, p99: TARGETS.profileP99 }];
  const all: RouteSpec[] = [
    { label: 'GET /2/profile', path: '/2/profile', rps: TARGETS.profileRps, p99: TARGETS.profileP99 },
    { label: 'GET /1/accounts', path: '/1/accounts', ...list },
    { label: 'GET /1/accounts/{a}', path: `/1/accounts/${a}`, ...list },
    { label: 'GET /2/accounts/{a}/users', path: `/2/accounts/${a}/users`, ...list },
    { label: 'GET /1/products', path: '/1/products', ...list },
    { label: 'GET /1/accounts/{a}/invoices', path: `/1/accounts/${a}/invoices`, ...list },
    { label: 'GET /1/accounts/{a}/teams', path: `/1/accounts/${a}/teams`, ...list },
    { label: 'GET /1/countries', path: '/1/countries', ...list },
  ];
  const only = settings.routes;
  return only ? all.filter((r) => only.some((o) => r.label.includes(o) || r.path === o)) : all;
}

function show(who: string, label: string, m: Measured): void {
  console.log(
    `  ${who.padEnd(4)} ${label.padEnd(30)} ${fixed(m.rps).padStart(6)} req/s  p50 ${msText(m.p50)} ms  p99 ${msText(m.p99)} ms` +
      `  ${fixed(m.cpuPerReq)} µs CPU/req  (${m.codes})`,
  );
}

async function bareRound(target: Target, tokens: string[], probeToken: string): Promise<Measured> {
  return withServer('bare', target, async (server) => {
    await probe(server.port, '/bare', probeToken);
    const m = await measureRoute(server, '/bare', new TokenFeeder(tokens));
    show('bare', 'auth lookup only', m);
    return m;
  });
}

export interface ReadRound {
  ikm: Map<string, Measured>;
  idleRss: number;
  maxRss: number;
  exhausted: boolean;
}

async function ikmRound(
  target: Target,
  routes: RouteSpec[],
  tokens: string[],
  probeToken: string,
  extraEnv?: Record<string, string>,
): Promise<ReadRound> {
  return withServer(
    'ikm',
    target,
    async (server) => {
      await new Promise((r) => setTimeout(r, 500));
      const idleRss = await server.rss();
      const sampler = sampleRss(server);
      const feeder = new TokenFeeder(tokens);
      const ikm = new Map<string, Measured>();
      for (const route of routes) {
        await probe(server.port, route.path, probeToken);
        const m = await measureRoute(server, route.path, feeder);
        show('ikm', route.label, m);
        ikm.set(route.label, m);
      }
      return { ikm, idleRss, maxRss: await sampler.stop(), exhausted: feeder.exhausted };
    },
    extraEnv,
  );
}

export interface ReadsOutcome {
  idleRss: number;
  maxRss: number;
}

export async function measureReads(
  report: Report,
  target: Target,
  accountId: number,
  tokens: string[],
): Promise<ReadsOutcome> {
  const routes = readRoutes(accountId);
  const probeToken = tokens[tokens.length - 1];
  const feederTokens = tokens.slice(0, -1);
  report.heading(
    `reads: ${routes.length} routes and the bare baseline, ${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s each, ${settings.rounds} round(s)`,
  );
  const bare: Measured[] = [];
  const rounds: ReadRound[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    const bareFirst = round % 2 === 0;
    if (bareFirst) bare.push(await bareRound(target, feederTokens, probeToken));
    rounds.push(await ikmRound(target, routes, feederTokens, probeToken));
    if (!bareFirst) bare.push(await bareRound(target, feederTokens, probeToken));
  }
  const baseline = medianFigures(bare);
  const measured = routes.map((r) => ({
    spec: r,
    all: rounds.map((x) => x.ikm.get(r.label)).filter((m) => m !== undefined),
  }));
  const figures = reportReads(report, baseline, measured);
  if (settings.sameBytes) await reportSameBytes(report, target, routes, feederTokens, probeToken, baseline, figures);
  if (settings.afresh) {
    const round = (env: Record<string, string>) => ikmRound(target, routes, feederTokens, probeToken, env);
    await reportAfresh(report, routes, round, baseline, figures);
  }
  if (rounds.some((r) => r.exhausted))
    report.note(`the token pool ran out (BENCH_TOKENS=${settings.tokens}): tokens were reused; raise BENCH_TOKENS.`);
  return { idleRss: rounds[0]?.idleRss ?? NaN, maxRss: Math.max(...rounds.map((r) => r.maxRss)) };
}

/** Reports the routes against the baseline; answers each route's median figures. */
function reportReads(
  report: Report,
  baseline: Figures,
  measured: { spec: RouteSpec; all: Measured[] }[],
): Map<string, Figures> {
  const routes: ReadRoute[] = [];
  const rows: string[][] = [
    [
      'bare baseline (auth lookup only)',
      fixed(baseline.rps),
      msText(baseline.p50),
      msText(baseline.p99),
      fixed(baseline.cpuUs),
      '',
      '',
      '',
      '',
    ],
  ];
  for (const { spec, all } of measured) {
    const f = medianFigures(all);
    routes.push({ label: spec.label, path: spec.path, ikm: f });
    const rpsRatio = f.rps / baseline.rps;
    // On an idle machine the bare p99 can be a millisecond or two: the ratio takes at least 1 ms as its floor.
    const p99Ratio = f.p99 / Math.max(baseline.p99, 1);
    const bad = all.reduce((s, m) => s + m.non2xx + m.errors, 0);
    const pass = rpsRatio >= spec.rps && p99Ratio <= spec.p99 && bad === 0;
    rows.push([
      spec.label,
      fixed(f.rps),
      msText(f.p50),
      msText(f.p99),
      fixed(f.cpuUs),
      `${fixed(rpsRatio, 2)} (≥ ${spec.rps})`,
      `${fixed(p99Ratio, 2)} (≤ ${spec.p99})`,
      String(bad),
      pass ? 'PASS' : 'FAIL',
    ]);
    report.check({
      section: 'reads',
      name: `${spec.label} vs baseline`,
      value: `${fixed(rpsRatio, 2)}× req/s, ${fixed(p99Ratio, 2)}× p99${bad ? `, ${bad} non-2xx/errors` : ''}`,
      target: `≥ ${spec.rps}× req/s, ≤ ${spec.p99}× p99, all 2xx`,
      pass,
    });
  }
  report.results.reads = { baseline, baselineLabel: 'bare Fastify + auth lookup', routes };
  const byLabel = new Map(routes.map((r) => [r.label, r.ikm]));
  report.table({
    title: `Reads (medians of ${settings.rounds} round(s)): ik-mirror against the bare baseline`,
    columns: ['route', 'req/s', 'p50 ms', 'p99 ms', 'µs CPU/req', 'req/s ratio', 'p99 ratio', 'non-2xx', 'verdict'],
    rows,
  });
  return byLabel;
}

export const mb = (bytes: number) => (Number.isFinite(bytes) && bytes > 0 ? `${fixed(bytes / MB)} MB` : '–');
