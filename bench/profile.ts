import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { seedInvoices } from './invoices-seed.js';
import { seedBenchUser } from './seed.js';
import { measureStart } from './start.js';

// `npm run bench`: GET /2/profile on ik-mirror against a bare Fastify route that does only the
// auth lookup (same SQL, same pool size), each server in its own child process, measured one
// after the other with autocannon from this process. Targets: ik-mirror keeps ≥ 80 % of the
// bare throughput and its p99 stays within 1.5× the bare p99. It is a measurement: the exit
// code is 0 whatever the figures, non-zero only when the bench itself could not run.
//
// Environment: DATABASE_URL (Postgres; a throwaway database is created on that server and
// dropped at the end; unset → PGlite in a temp directory), BENCH_DURATION (s, default 10),
// BENCH_WARMUP (s, 2), BENCH_CONNECTIONS (50), BENCH_ROUNDS (3, medians reported), BENCH_TOKENS (20000),
// BENCH_PATH (default /2/profile), BENCH_LOG_LEVEL (turns ik-mirror's logger on, to /dev/null),
// BENCH_CPU_PROF=dir (children run with --cpu-prof into dir), BENCH_INVOICES (30000, for the
// "pay one invoice" measurement that follows the comparison), BENCH_SEED_ROUNDS (5, the control
// plane's costs), BENCH_START_ROUNDS (5, `npm start` until ready, bench/start.ts).

interface Histogram {
  average: number;
  p50: number;
  p99: number;
  total: number;
}
interface Result {
  requests: Histogram;
  latency: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface RawRequest {
  headers: Record<string, string>;
  [k: string]: unknown;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; path: string; setupRequest: (req: RawRequest) => RawRequest }[];
}
type Autocannon = (opts: CannonOptions, cb: (err: Error | null, result: Result) => void) => unknown;
// autocannon ships no types; only the part used here is described above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const env = process.env;
const DURATION = Number(env.BENCH_DURATION ?? 10);
const WARMUP = Number(env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const TOKENS = Number(env.BENCH_TOKENS ?? 20_000);
const IKM_PATH = env.BENCH_PATH ?? '/2/profile';
const INVOICES = Number(env.BENCH_INVOICES ?? 30_000);
const SEED_ROUNDS = Number(env.BENCH_SEED_ROUNDS ?? 5);
const START_ROUNDS = Number(env.BENCH_START_ROUNDS ?? 5);
const TARGET_RPS_RATIO = 0.8;
const TARGET_P99_RATIO = 1.5;

// Token use. The limiter allows 60 requests a minute per token; each token gets at most
// USES_PER_TOKEN for the whole run, so none can trip it whatever the throughput. Tokens are
// used in stripes of STRIPE: consecutive requests carry different tokens, so a token's first
// use (which writes last_used_at) has completed long before its second, and ik-mirror writes
// last_used_at once per USES_PER_TOKEN requests — what a client at the limit causes (1 in 60).
const USES_PER_TOKEN = 55;
const STRIPE = 500;

class TokenFeeder {
  private n = 0;
  private stripe: number;
  exhausted = false;
  constructor(private tokens: string[]) {
    this.stripe = Math.min(STRIPE, tokens.length);
  }

  next(): string {
    const i = this.n++;
    const block = Math.floor(i / (this.stripe * USES_PER_TOKEN));
    const index = block * this.stripe + (i % this.stripe);
    if (index >= this.tokens.length) {
      this.exhausted = true;
      return this.tokens[index % this.tokens.length];
    }
    return this.tokens[index];
  }
}

// ---- cleanup: children and the database go away even on errors and Ctrl-C ----------------

const cleanups: (() => Promise<void> | void)[] = [];
const children = new Set<ChildProcess>();
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      console.error('cleanup step failed:', err);
    }
  }
}
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- database ------------------------------------------------------------------------------

interface Target {
  kind: 'postgres' | 'pglite';
  url?: string;
  dataDir?: string;
}

async function createPostgresDatabase(adminUrl: string): Promise<Target> {
  const name = `ikm_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      console.log(`dropped database ${name}`);
    } finally {
      await c.end();
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  console.log(`created database ${name}`);
  return { kind: 'postgres', url: url.toString() };
}

function createPgliteDir(): Target {
  const dataDir = mkdtempSync(join(tmpdir(), 'ikm-bench-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return { kind: 'pglite', dataDir };
}

interface Seeded {
  tokens: string[];
  accountId: number;
  invoices: number[];
}

async function prepare(target: Target): Promise<Seeded> {
  const database = openDatabase({ url: target.url, dataDir: target.dataDir, poolSize: 4 });
  try {
    await migrateToLatest(database.db);
    const started = Date.now();
    const user = await seedBenchUser(database.db, TOKENS + 1);
    const invoices = await seedInvoices(database.db, user.accountId, INVOICES);
    console.log(`seeded 1 user, ${TOKENS + 1} tokens and ${INVOICES} invoices in ${Date.now() - started} ms`);
    return { tokens: user.tokens, accountId: user.accountId, invoices };
  } finally {
    // PGlite's directory can be opened by one process at a time: the children come after.
    await database.close();
  }
}

// ---- servers -------------------------------------------------------------------------------

interface Server {
  port: number;
  sql?: string;
  /** The child's CPU time so far (user + system), in microseconds. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(
  mode: 'ikm' | 'bare',
  target: Target,
  extraEnv: Record<string, string> = {},
): Promise<Server> {
  const script = fileURLToPath(new URL('./servers.js', import.meta.url));
  const nodeArgs = env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROF}`, `--cpu-prof-name=${mode}-${Date.now()}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...nodeArgs, script, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...env,
      BENCH_DATABASE_URL: target.url ?? '',
      BENCH_DATA_DIR: target.dataDir ?? '',
      BENCH_ADMIN_TOKEN: '',
      ...extraEnv,
    },
  });
  children.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  cleanups.push(stop);
  // The child answers on stdout, one JSON line per message: first {port}, then one {cpu} per ask.
  const waiting: ((msg: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) =>
    waiting.shift()?.(JSON.parse(line) as Record<string, unknown>),
  );
  const nextMessage = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`${mode} server exited (code ${code})`)));
    });
  const hello = (await nextMessage()) as { port: number; sql?: string };
  const cpuMicros = async () => {
    const reply = nextMessage();
    child.stdin.write('cpu\n');
    const { cpu } = (await reply) as { cpu: { user: number; system: number } };
    return cpu.user + cpu.system;
  };
  return { ...hello, cpuMicros, stop };
}

// ---- load ----------------------------------------------------------------------------------

/** A POST body made afresh for each request (the payment bench pays a new invoice each time). */
type BodyFactory = () => object;

function run(port: number, path: string, feeder: TokenFeeder, duration: number, body?: BodyFactory): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration,
        requests: [
          {
            method: body ? 'POST' : 'GET',
            path,
            setupRequest: (req) => {
              req.headers = { ...req.headers, authorization: `Bearer ${feeder.next()}` };
              if (body) {
                req.headers['content-type'] = 'application/json';
                req.body = JSON.stringify(body());
              }
              return req;
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function probe(port: number, path: string, token: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status === 200) return;
  const body = (await res.text()).slice(0, 300);
  const hint =
    res.status === 404 && path === '/2/profile'
      ? '\n  /2/profile is not there yet (profile module); BENCH_PATH=/1/ping measures the pipeline on another route.'
      : '';
  throw new Error(`GET ${path} answered ${res.status} instead of 200: ${body}${hint}`);
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  codes: string;
  tooMany: number;
  /** Server-process CPU per request (µs): less swayed than req/s by other load on the machine. */
  cpuPerReq: number;
}

function summarise(r: Result, cpuMicros: number): Measured {
  const codes = Object.entries(r.statusCodeStats ?? {})
    .map(([code, s]) => `${code}×${s.count}`)
    .join(' ');
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    codes,
    tooMany: Number(r.statusCodeStats?.['429']?.count ?? 0),
    cpuPerReq: cpuMicros / Math.max(1, r.requests.total),
  };
}

let sqlShown = false;

async function measure(
  mode: 'ikm' | 'bare',
  target: Target,
  feeder: TokenFeeder,
  probeToken: string,
): Promise<Measured> {
  const server = await startServer(mode, target);
  if (server.sql && !sqlShown) {
    sqlShown = true;
    console.log(`  bare runs ik-mirror's auth statement: ${server.sql.replace(/\s+/g, ' ')}`);
  }
  try {
    const path = mode === 'ikm' ? IKM_PATH : '/bare';
    await probe(server.port, path, probeToken);
    if (WARMUP > 0) await run(server.port, path, feeder, WARMUP);
    const cpuBefore = await server.cpuMicros();
    const result = await run(server.port, path, feeder, DURATION);
    const m = summarise(result, (await server.cpuMicros()) - cpuBefore);
    console.log(
      `  ${mode.padEnd(4)} ${path.padEnd(12)} ${m.rps.toFixed(0).padStart(7)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms` +
        `  ${m.cpuPerReq.toFixed(0)} µs CPU/req  (${m.codes})`,
    );
    return m;
  } finally {
    await server.stop();
  }
}

// ---- report --------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function report(ikm: Measured[], bare: Measured[], feeder: TokenFeeder, target: Target): void {
  const agg = (ms: Measured[]) => ({
    rps: median(ms.map((m) => m.rps)),
    p50: median(ms.map((m) => m.p50)),
    p99: median(ms.map((m) => m.p99)),
    cpu: median(ms.map((m) => m.cpuPerReq)),
    total: ms.reduce((s, m) => s + m.total, 0),
    non2xx: ms.reduce((s, m) => s + m.non2xx, 0),
    errors: ms.reduce((s, m) => s + m.errors, 0),
  });
  const i = agg(ikm);
  const b = agg(bare);
  const rpsRatio = i.rps / b.rps;
  const p99Ratio = i.p99 / Math.max(b.p99, 1);
  const row = (name: string, m: ReturnType<typeof agg>) =>
    `| ${name.padEnd(9)} | ${m.rps.toFixed(0).padStart(9)} | ${String(m.p50).padStart(7)} | ${String(m.p99).padStart(7)} | ` +
    `${m.cpu.toFixed(0).padStart(11)} | ${String(m.total).padStart(9)} | ${String(m.non2xx).padStart(6)} | ${String(m.errors).padStart(6)} |`;
  console.log('');
  console.log(
    `GET ${IKM_PATH} vs bare auth lookup — ${target.kind}, ${CONNECTIONS} connections, ${DURATION} s` +
      `${ROUNDS > 1 ? ` × ${ROUNDS} rounds (medians)` : ''}, node ${process.version}, ${availableParallelism()} CPUs`,
  );
  console.log('| server    |     req/s | p50 ms  | p99 ms  | µs CPU/req  |  requests | non2xx | errors |');
  console.log('|-----------|-----------|---------|---------|-------------|-----------|--------|--------|');
  console.log(row('ik-mirror', i));
  console.log(row('bare', b));
  console.log('');
  // The bare p99 is often 1-2 ms (integer ms); the ratio uses at least 1 ms as its floor.
  console.log(
    `throughput ratio ikm/bare: ${rpsRatio.toFixed(3)}  (target ≥ ${TARGET_RPS_RATIO})  ${rpsRatio >= TARGET_RPS_RATIO ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    `p99 ratio ikm/bare:        ${p99Ratio.toFixed(3)}  (target ≤ ${TARGET_P99_RATIO})  ${p99Ratio <= TARGET_P99_RATIO ? 'PASS' : 'FAIL'}`,
  );
  // Informative, not a target: the throughput ratio the server process alone would allow.
  console.log(
    `server CPU per request ikm/bare: ${(i.cpu / b.cpu).toFixed(2)}× (${i.cpu.toFixed(0)} vs ${b.cpu.toFixed(0)} µs; ` +
      `CPU-bound throughput ratio ≈ ${(b.cpu / i.cpu).toFixed(3)})`,
  );
  const clean = i.non2xx === 0 && i.errors === 0 && !feeder.exhausted;
  console.log(
    `ik-mirror non-2xx responses: ${i.non2xx}, socket errors/timeouts: ${i.errors}  ${clean ? 'PASS' : 'FAIL'}`,
  );
  if (feeder.exhausted) {
    console.log(
      `!!! FAIL: the token pool ran out (${TOKENS} tokens × ${USES_PER_TOKEN} uses); tokens were reused and the limiter may have answered 429. Raise BENCH_TOKENS.`,
    );
  }
  const tooMany = ikm.reduce((s, m) => s + m.tooMany, 0);
  if (tooMany > 0) {
    console.log(
      `!!! FAIL: ik-mirror answered 429 ${tooMany} times: the token pool was too small for this throughput — the figures above are not valid.`,
    );
  }
  if (target.kind === 'pglite')
    console.log(
      'note: PGlite runs one query at a time in-process; the Postgres figures are the ones the targets are about.',
    );
}

async function main() {
  const target = env.DATABASE_URL ? await createPostgresDatabase(env.DATABASE_URL) : createPgliteDir();
  const seeded = await prepare(target);
  const tokens = seeded.tokens;
  const probeToken = tokens.pop()!;
  const ikmFeeder = new TokenFeeder(tokens);
  const bareFeeder = new TokenFeeder(tokens);
  const ikm: Measured[] = [];
  const bare: Measured[] = [];
  console.log(`measuring (${WARMUP} s warm-up each, then ${DURATION} s)`);
  // Alternating the order each round keeps a drift in the machine's load from favouring one.
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['bare', 'ikm'] as const) : (['ikm', 'bare'] as const);
    for (const mode of order) {
      if (mode === 'bare') bare.push(await measure('bare', target, bareFeeder, probeToken));
      else ikm.push(await measure('ikm', target, ikmFeeder, probeToken));
    }
  }
  report(ikm, bare, ikmFeeder, target);
  await measurePayments(target, ikmFeeder, seeded);
  await measureResetAndSeed(target);
  await measureStart(target, START_ROUNDS);
}

/**
 * The control plane's own costs, last since it wipes the bench data: "reset + seed the demo
 * fixture" (POST /_mirror/seed empties every table then loads it), restoring a snapshot of the
 * demo state, and making a sandbox (a database of its own, migrated).
 */
async function measureResetAndSeed(target: Target): Promise<void> {
  const token = `bench-admin-${randomBytes(12).toString('hex')}`;
  const server = await startServer('ikm', target, { BENCH_ADMIN_TOKEN: token });
  const call = async (method: string, path: string, body?: object): Promise<{ wall: number; ms: number }> => {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const answer = (await res.json()) as { data?: { ms?: number } };
    if (res.status >= 300 || !answer.data)
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
    return { wall: performance.now() - started, ms: answer.data.ms ?? 0 };
  };
  const rounds = async (fn: () => Promise<{ wall: number; ms: number }>) => {
    const out = [];
    for (let i = 0; i < SEED_ROUNDS; i++) out.push(await fn());
    return out;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const engine = target.url ? 'postgres' : 'pglite';
  const report = (title: string, runs: { wall: number; ms: number }[], limitMs?: number) => {
    const wall = runs.map((r) => r.wall);
    console.log('');
    console.log(`${title} — ${runs.length} rounds, ${engine}`);
    const verdict =
      limitMs === undefined ? '' : `  target < ${limitMs} ms  ${Math.max(...wall) < limitMs ? 'PASS' : 'FAIL'}`;
    console.log(
      `  median ${median(wall).toFixed(0)} ms, max ${Math.max(...wall).toFixed(0)} ms (server side: median ${median(runs.map((r) => r.ms))} ms)${verdict}`,
    );
  };
  try {
    report(
      'POST /_mirror/seed {fixture: demo} (reset + seed)',
      await rounds(() => call('POST', '/_mirror/seed', { fixture: 'demo' })),
      1000,
    );
    await call('POST', '/_mirror/snapshots', { name: 'bench-demo' });
    report(
      'POST /_mirror/snapshots/{name}/restore (the demo state)',
      await rounds(() => call('POST', '/_mirror/snapshots/bench-demo/restore')),
    );
    const sandbox = `bench-${randomBytes(4).toString('hex')}`;
    report(
      'POST /_mirror/sandboxes (a new sandbox: database made and migrated)',
      await rounds(async () => {
        const made = await call('POST', '/_mirror/sandboxes', { name: sandbox });
        await call('DELETE', `/_mirror/sandboxes/${sandbox}`);
        return made;
      }),
    );
  } finally {
    await server.stop();
  }
}

/** "Pay one invoice": each request pays a different unpaid invoice from the prepaid account. */
async function measurePayments(target: Target, feeder: TokenFeeder, seeded: Seeded): Promise<void> {
  const server = await startServer('ikm', target);
  try {
    let next = 0;
    const body = () => ({ invoice_ids: [seeded.invoices[next++ % seeded.invoices.length]], method: 'prepaid' });
    const path = `/1/accounts/${seeded.accountId}/payments`;
    const cpuBefore = await server.cpuMicros();
    const m = summarise(await run(server.port, path, feeder, DURATION, body), (await server.cpuMicros()) - cpuBefore);
    const reused = next > seeded.invoices.length;
    console.log('');
    console.log(`POST ${path} (pay one invoice from the prepaid account) — ${CONNECTIONS} connections, ${DURATION} s`);
    console.log(
      `  ${m.rps.toFixed(0)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms  ${m.cpuPerReq.toFixed(0)} µs CPU/req  (${m.codes})`,
    );
    if (reused)
      console.log(
        `!!! the ${seeded.invoices.length} invoices ran out: later requests paid paid invoices (409); raise BENCH_INVOICES.`,
      );
  } finally {
    await server.stop();
  }
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(cleanup);
