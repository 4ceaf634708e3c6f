import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMain } from './cleanup.js';
import { createTarget, withDb } from './database.js';
import { saveResults } from './docs.js';
import { probe, run, summarise, TokenFeeder, type Measured } from './load.js';
import { patchedDocument, prismVersion, startPrism } from './prism.js';
import { seedReadOrg } from './read-seed.js';
import { fixed, msText, medianFigures, Report, type Figures } from './report.js';
import { measureRoute } from './measure.js';
import { withServer } from './server-process.js';
import { settings } from './settings.js';

// `npm run bench:peers`: what a user would otherwise run, side by side with ik-mirror under the
// same load: Prism (@stoplight/prism-cli, downloaded by npx on first use) mocking
// GET /1/accounts from the official OpenAPI document, ik-mirror's GET /1/accounts on the read
// organisation of `npm run bench`, and the bare baseline, in rounds that alternate the order
// (medians). Keeps docs/benchmarks/peers.json and makes docs/benchmarks.md again. Exit code 0
// whatever the figures.
//
// Environment (defaults in brackets):
//   BENCH_OPENAPI      the official document [reference/infomaniak-core-openapi.json, from the
//                      project's root]
//   DATABASE_URL       Postgres server for ik-mirror's throwaway database [unset: PGlite]
//   BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_ROUNDS, BENCH_TOKENS, BENCH_WRITE=0
//                      as for `npm run bench` (bench/profile.ts) [10, 2, 50, 3, 20000]

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCUMENT = resolve(ROOT, process.env.BENCH_OPENAPI ?? 'reference/infomaniak-core-openapi.json');
const ROUTE = { label: 'GET /1/accounts', path: '/1/accounts' };

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function measurePrism(document: string, tokens: string[]): Promise<Measured> {
  const port = await freePort();
  const prism = await startPrism(document, port);
  try {
    await probe(port, ROUTE.path, tokens[0]);
    const load = { port, feeder: new TokenFeeder(tokens), connections: settings.connections, next: ROUTE.path };
    if (settings.warmup > 0) await run({ ...load, duration: settings.warmup });
    // Prism's CPU is not sampled (it runs under npx); NaN shows as "–".
    return summarise(await run({ ...load, duration: settings.duration }), NaN);
  } finally {
    await prism.stop();
  }
}

function show(who: string, m: Measured): void {
  console.log(
    `  ${who.padEnd(9)} ${fixed(m.rps).padStart(6)} req/s  p50 ${msText(m.p50)} ms  p99 ${msText(m.p99)} ms  (${m.codes})`,
  );
}

async function main() {
  if (!existsSync(DOCUMENT)) throw new Error(`the OpenAPI document ${DOCUMENT} is not there: set BENCH_OPENAPI`);
  const began = performance.now();
  const version = await prismVersion();
  const { path: document, patched } = patchedDocument(DOCUMENT);
  console.log(
    `Prism ${version}; the document's copy got placeholders for ${patched.length} missing schemas: ${patched.join(', ')}`,
  );
  const target = await createTarget();
  const report = new Report('peers', target.kind, 'npm run bench:peers');
  const owner = await withDb(target, (db) => seedReadOrg(db, settings.tokens + 1));
  const tokens = owner.tokens.slice(0, -1);
  const probeToken = owner.tokens[owner.tokens.length - 1];
  const all = { ikm: [] as Measured[], bare: [] as Measured[], prism: [] as Measured[] };
  const measure = {
    ikm: () =>
      withServer('ikm', target, async (s) => {
        await probe(s.port, ROUTE.path, probeToken);
        return measureRoute(s, ROUTE.path, new TokenFeeder(tokens));
      }),
    bare: () =>
      withServer('bare', target, async (s) => {
        await probe(s.port, '/bare', probeToken);
        return measureRoute(s, '/bare', new TokenFeeder(tokens));
      }),
    prism: () => measurePrism(document, tokens),
  };
  report.heading(
    `peers: ${ROUTE.label}, ${settings.connections} connections, ${settings.warmup} s warm-up + ${settings.duration} s, ${settings.rounds} round(s)`,
  );
  const order = ['prism', 'ikm', 'bare'] as const;
  for (let round = 0; round < settings.rounds; round++) {
    for (let i = 0; i < order.length; i++) {
      const who = order[(i + round) % order.length];
      const m = await measure[who]();
      show(who, m);
      all[who].push(m);
    }
  }
  const ikm = medianFigures(all.ikm);
  const bare = medianFigures(all.bare);
  const mock = medianFigures(all.prism);
  report.results.reads = {
    baseline: bare,
    baselineLabel: 'bare Fastify + auth lookup',
    routes: [{ ...ROUTE, ikm, mock }],
  };
  const row = (name: string, f: Figures) => [name, fixed(f.rps), msText(f.p50), msText(f.p99), fixed(f.cpuUs)];
  report.table({
    title: `${ROUTE.label}: ik-mirror (${target.kind}) against the Prism mock and the bare baseline (medians of ${settings.rounds} round(s))`,
    columns: ['server', 'req/s', 'p50 ms', 'p99 ms', 'µs CPU/req'],
    rows: [
      row('ik-mirror', ikm),
      row(`Prism ${version} mock (official document)`, mock),
      row('bare baseline (auth lookup only)', bare),
    ],
  });
  report.check({
    section: 'peers',
    name: 'ik-mirror / Prism, req/s',
    value: `${fixed(ikm.rps / mock.rps, 2)}×`,
    target: '',
    pass: null,
  });
  report.check({
    section: 'peers',
    name: 'ik-mirror / Prism, p99',
    value: `${fixed(ikm.p99 / Math.max(mock.p99, 1), 2)}×`,
    target: '',
    pass: null,
  });
  report.note(
    `Prism ran through npx (${version}), request logs at warn level, on a copy of the official document with placeholders for the ${patched.length} schemas it references without defining (${patched.join(', ')}).`,
  );
  report.results.durationS = (performance.now() - began) / 1000;
  if (settings.write) saveResults(report.results);
}

runMain(main);
