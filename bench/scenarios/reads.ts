import type { Target } from '../database.js';
import { median, probe, TokenFeeder, type Measured } from '../load.js';
import { measureRoute } from '../measure.js';
import { reportSameBytes } from './same-bytes.js';
import { fixed, msText, medianFigures, type Figures, type ReadRoute, type Report } from '../report.js';
import { MB, sampleRss, withServer, type Server } from '../server-process.js';
import { reportAfresh } from './afresh.js';
import { settings, TARGETS } from '../settings.js';

// Reads with many tokens: each hot route of ik-mirror against the bare baseline (plain
// Fastify running ik-mirror's auth statement alone), A/B in the same run. Both servers run
// side by side through a round and each route is measured right beside a measurement of the
// baseline, the pair's order alternating, so that the ratio compares two measurements taken
// seconds apart: on a shared host the machine's speed drifts by a third within minutes, and a
// baseline taken once per round would carry that drift into every route's ratio. Each
// route's ratios are the medians of its pairs' ratios over the rounds.

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

/** A round of ik-mirror's routes in which each is paired with a measurement of the baseline beside it. */
interface PairedRound extends ReadRound {
  bare: Map<string, Measured>;
}

async function measureBare(bare: Server, tokens: string[]): Promise<Measured> {
  const m = await measureRoute(bare, '/bare', new TokenFeeder(tokens));
  show('bare', 'auth lookup only', m);
  return m;
}

async function pairedRound(
  target: Target,
  routes: RouteSpec[],
  tokens: string[],
  probeToken: string,
  round: number,
): Promise<PairedRound> {
  return withServer('bare', target, async (bareServer) => {
    await probe(bareServer.port, '/bare', probeToken);
    return withServer('ikm', target, async (server) => {
      await new Promise((r) => setTimeout(r, 500));
      const idleRss = await server.rss();
      const sampler = sampleRss(server);
      const feeder = new TokenFeeder(tokens);
      const ikm = new Map<string, Measured>();
      const bare = new Map<string, Measured>();
      for (const [i, route] of routes.entries()) {
        await probe(server.port, route.path, probeToken);
        const bareFirst = (round + i) % 2 === 0;
        if (bareFirst) bare.set(route.label, await measureBare(bareServer, tokens));
        const m = await measureRoute(server, route.path, feeder);
        show('ikm', route.label, m);
        ikm.set(route.label, m);
        if (!bareFirst) bare.set(route.label, await measureBare(bareServer, tokens));
      }
      return { ikm, bare, idleRss, maxRss: await sampler.stop(), exhausted: feeder.exhausted };
    });
  });
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
  const rounds: PairedRound[] = [];
  for (let round = 0; round < settings.rounds; round++)
    rounds.push(await pairedRound(target, routes, feederTokens, probeToken, round));
  const baseline = medianFigures(rounds.flatMap((r) => [...r.bare.values()]));
  const measured = routes.map((r) => ({ spec: r, pairs: pairsOf(rounds, r.label) }));
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

interface Pair {
  ikm: Measured;
  bare: Measured;
}

function pairsOf(rounds: PairedRound[], label: string): Pair[] {
  return rounds.flatMap((r) => {
    const ikm = r.ikm.get(label);
    const bare = r.bare.get(label);
    return ikm && bare ? [{ ikm, bare }] : [];
  });
}

// On an idle machine the bare p99 can be a millisecond or two: the ratio takes at least 1 ms as its floor.
const p99RatioOf = (p: Pair) => p.ikm.p99 / Math.max(p.bare.p99, 1);

/** One route's verdict: the medians of its pairs' ratios, and every answer a 2xx. */
function judge(spec: RouteSpec, pairs: Pair[]) {
  const rpsRatio = median(pairs.map((p) => p.ikm.rps / p.bare.rps));
  const p99Ratio = median(pairs.map(p99RatioOf));
  const bad = pairs.reduce((s, p) => s + p.ikm.non2xx + p.ikm.errors, 0);
  return { rpsRatio, p99Ratio, bad, pass: rpsRatio >= spec.rps && p99Ratio <= spec.p99 && bad === 0 };
}

/** Reports the routes against the baseline measured beside each; answers each route's median figures. */
function reportReads(report: Report, baseline: Figures, measured: { spec: RouteSpec; pairs: Pair[] }[]) {
  const routes: ReadRoute[] = [];
  const rows: string[][] = [];
  for (const { spec, pairs } of measured) {
    const f = medianFigures(pairs.map((p) => p.ikm));
    const beside = medianFigures(pairs.map((p) => p.bare));
    routes.push({ label: spec.label, path: spec.path, ikm: f, baseline: beside });
    const { rpsRatio, p99Ratio, bad, pass } = judge(spec, pairs);
    rows.push([
      spec.label,
      fixed(f.rps),
      msText(f.p99),
      fixed(f.cpuUs),
      fixed(beside.rps),
      msText(beside.p99),
      fixed(beside.cpuUs),
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
  report.table({
    title: `Reads (medians of ${settings.rounds} round(s)): ik-mirror against the bare baseline measured beside each route`,
    note: `The ratios are the medians of each pair's ratios. All the baseline's measurements: ${fixed(baseline.rps)} req/s, p99 ${msText(baseline.p99)} ms, ${fixed(baseline.cpuUs)} µs CPU/req (medians).`,
    columns: [
      'route',
      'req/s',
      'p99 ms',
      'µs CPU/req',
      'baseline req/s',
      'baseline p99 ms',
      'baseline µs CPU/req',
      'req/s ratio',
      'p99 ratio',
      'non-2xx',
      'verdict',
    ],
    rows,
  });
  return new Map(routes.map((r) => [r.label, r.ikm]));
}

export const mb = (bytes: number) => (Number.isFinite(bytes) && bytes > 0 ? `${fixed(bytes / MB)} MB` : '–');
