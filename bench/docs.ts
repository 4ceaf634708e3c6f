import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readsChart } from './chart.js';
import { verdict, type Results, type Table } from './report.js';

// A run's results kept as docs/benchmarks/<engine>.json (peers.json for the peers run), and
// docs/benchmarks.md with its charts made again from whichever of them exist, so that every
// figure in the document is one a run produced. BENCH_WRITE=0 leaves them alone.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'docs', 'benchmarks');
const FILES = { postgres: 'postgres.json', pglite: 'pglite.json', peers: 'peers.json' } as const;

export function saveResults(results: Results): void {
  mkdirSync(DIR, { recursive: true });
  const name = results.kind === 'peers' ? FILES.peers : FILES[results.engine];
  writeFileSync(join(DIR, name), `${JSON.stringify(results, null, 2)}\n`);
  writeDocs();
  console.log(`\nwrote docs/benchmarks/${name} and docs/benchmarks.md`);
}

function load(name: string): Results | undefined {
  const path = join(DIR, name);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Results) : undefined;
}

const ENGINE_NAMES = { postgres: 'Postgres', pglite: 'embedded database (PGlite)' };

function markdownTable(t: Table): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `**${t.title}**`,
    '',
    `| ${t.columns.map(cell).join(' | ')} |`,
    `|${t.columns.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    ...(t.note ? ['', t.note] : []),
    '',
  ];
}

function runHeader(r: Results): string[] {
  const m = r.machine;
  const s = r.settings;
  return [
    `Run of ${r.date.replace('T', ' ').slice(0, 16)} UTC${r.durationS ? `, ${Math.round(r.durationS)} s in all` : ''}: \`${r.command}\`.`,
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.platform}, node ${m.node}${m.loadAverage === undefined ? '' : `, load average ${m.loadAverage} as the run began`}. Load: ${s.connections} connections, ${s.warmup} s warm-up then ${s.duration} s per measurement, ${s.rounds} round(s).`,
    '',
  ];
}

function checksTable(r: Results): string[] {
  if (!r.checks.length) return [];
  return markdownTable({
    title: 'Checks against the targets',
    columns: ['part', 'check', 'value', 'target', 'verdict'],
    rows: r.checks.map((c) => [c.section, c.name, c.value, c.target, verdict(c.pass) || '–']),
  });
}

function section(r: Results, title: string, chart: string | undefined): string[] {
  return [
    `## ${title}`,
    '',
    ...runHeader(r),
    ...(chart ? [`![${title}: req/s and p99 per route](benchmarks/${chart})`, ''] : []),
    ...checksTable(r),
    ...r.tables.flatMap(markdownTable),
    ...r.notes.map((n) => `- ${n}`),
    ...(r.notes.length ? [''] : []),
  ];
}

const INTRO = `# Benchmarks

<!-- Made by the bench (bench/docs.ts) from docs/benchmarks/*.json, which each run writes: run the bench again rather than editing this file. -->

What \`npm run bench\` measures, each part A/B in the same run (the machine's load moves the
absolute figures; the ratios less so):

- **Reads with many tokens**: \`GET /2/profile\` and the hot lists and reads (\`GET /1/accounts\`,
  \`/1/accounts/{a}\`, \`/2/accounts/{a}/users\`, \`/1/products\`, \`/1/accounts/{a}/invoices\`,
  \`/1/accounts/{a}/teams\`, \`/1/countries\`) on an organisation seeded like a real one (20
  members, 10 products with tags, 3 teams, 24 invoices, an address), against a **bare
  baseline**: plain Fastify running ik-mirror's own auth statement and nothing else, named
  (prepared once per connection) as ik-mirror sends its statements, same pool size. Each
  server runs in a child process; autocannon drives it from the bench's process, every
  request with another of 20,000 tokens so the 60-a-minute limiter is never what is
  measured. Latencies are each 2xx answer's time as autocannon measured it, their
  percentiles taken to the microsecond (its own histogram keeps whole milliseconds). The
  two servers run side by side and each route is measured right beside a measurement of the
  baseline, the pair's order alternating (the host's speed drifts within minutes, so a route
  is compared with a baseline taken seconds away, not minutes); a route's ratios are the
  medians of its pairs' ratios over the rounds. Every route must first answer 200 with a
  non-empty list. The same GET repeated on unchanged data is answered from the answers
  ik-mirror keeps (\`ANSWER_CACHE_MB\`); one more round with none kept shows what each answer
  costs to make (\`BENCH_AFRESH=0\` skips it).
- **Payments**: \`POST /1/accounts/{a}/payments\` paying a different unpaid invoice from the
  prepaid account per request, on one organisation (its payments take its row lock one after
  the other) and spread over 50 organisations; server CPU per payment; then SQL checks that
  each paid invoice has exactly one successful payment, none is paid twice, and the prepaid
  ledger moved by exactly what was paid.
- **Flat cost as data grows**: a page of 50 members at 100 against 100,000 members, a page of
  50 invoices at 1,000 against 1,000,000 invoices (seeded with set-based SQL), the same load,
  median and p99 latency, with no answer kept (each page is made).
- **Memory**: the ik-mirror child's resident memory idle after start and the most sampled
  during the read and payment load.
- **Start**: \`npm start\` on the migrated database until \`/readyz\` answers 200.
- **Control plane**: reset + seed of the demo fixture, a snapshot restore, a new sandbox.
- **Peers** (\`npm run bench:peers\`, separate since it downloads Prism): Prism
  (\`@stoplight/prism-cli\`) mocking \`GET /1/accounts\` from the official OpenAPI document,
  beside ik-mirror's \`GET /1/accounts\` in the same run and the same load.

Run it (a throwaway database is made on that server and dropped at the end):

<!-- example: runs in .ci/bench -->
\`\`\`sh
DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench
\`\`\`

Without \`DATABASE_URL\` it runs on the embedded database. \`npm run bench:peers\` measures the
mock (\`BENCH_OPENAPI\` names the official document). The knobs (\`BENCH_DURATION\`,
\`BENCH_ROUNDS\`, \`BENCH_ONLY\`, \`BENCH_WRITE=0\` for a quick run that writes nothing, …) are
listed at the top of \`bench/profile.ts\` and \`bench/peers.ts\`. Each run rewrites its engine's
\`docs/benchmarks/*.json\` and this page from those present.
`;

export function writeDocs(): void {
  const peers = load(FILES.peers);
  const parts = [INTRO];
  for (const engine of ['postgres', 'pglite'] as const) {
    const r = load(FILES[engine]);
    if (!r) continue;
    const svg = readsChart(r, peers);
    const chart = svg ? `reads-${engine}.svg` : undefined;
    if (svg && chart) writeFileSync(join(DIR, chart), svg);
    parts.push(section(r, `On ${ENGINE_NAMES[engine]}`, chart).join('\n'));
  }
  if (peers)
    parts.push(section(peers, `Peers: Prism mock, ik-mirror on ${ENGINE_NAMES[peers.engine]}`, undefined).join('\n'));
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), `${parts.join('\n').trimEnd()}\n`);
}
