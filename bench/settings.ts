import { availableParallelism, cpus, loadavg } from 'node:os';

// The bench's knobs, read once from the environment (the entry files, profile.ts and
// peers.ts, list them with their defaults), and the targets of issue 16 the report holds the
// figures to.

const env = process.env;
const num = (name: string, fallback: number) => (env[name] === undefined ? fallback : Number(env[name]));

export const settings = {
  duration: num('BENCH_DURATION', 10),
  warmup: num('BENCH_WARMUP', 2),
  connections: num('BENCH_CONNECTIONS', 50),
  rounds: num('BENCH_ROUNDS', 3),
  tokens: num('BENCH_TOKENS', 20_000),
  /** Only these read routes (a comma-separated list of their labels or paths), when set. */
  routes: env.BENCH_ROUTES ? env.BENCH_ROUTES.split(',').map((s) => s.trim()) : undefined,
  invoices: num('BENCH_INVOICES', 20_000),
  orgs: num('BENCH_ORGS', 50),
  orgInvoices: num('BENCH_ORG_INVOICES', 600),
  growthConnections: num('BENCH_GROWTH_CONNECTIONS', 10),
  growthScale: env.BENCH_GROWTH_SCALE === undefined ? undefined : Number(env.BENCH_GROWTH_SCALE),
  seedRounds: num('BENCH_SEED_ROUNDS', 5),
  startRounds: num('BENCH_START_ROUNDS', 5),
  only: env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined,
  write: env.BENCH_WRITE !== '0',
  logLevel: env.BENCH_LOG_LEVEL,
  cpuProf: env.BENCH_CPU_PROF,
  /** BENCH_SAME_BYTES=0 skips the ceiling of each read route (scenarios/same-bytes.ts). */
  sameBytes: env.BENCH_SAME_BYTES !== '0',
  afresh: env.BENCH_AFRESH !== '0',
};

/** The file the bare server reads a route's answers from (scenarios/same-bytes.ts), one per route, in order. */
export const SAME_BYTES_ENV = 'BENCH_SAME_BYTES_FILE';

/** Whether a part of the bench runs (BENCH_ONLY=reads,payments,... runs those alone). */
export const runs = (part: 'reads' | 'payments' | 'growth' | 'control' | 'start') =>
  !settings.only || settings.only.has(part);

export const TARGETS = {
  profileRps: 0.9,
  profileP99: 1.3,
  listRps: 0.6,
  listP99: 2,
  paymentsOneOrg: 400,
  paymentsOneOrgP99Ms: 250,
  paymentsManyOrgs: 800,
  cpuPerPaymentMs: 1.5,
  growthRatio: 2,
  rssMb: { postgres: 200, pglite: 300 },
  startMs: 2000,
  seedMs: 1000,
};

export function machine() {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    /** The 1-minute load average as the run began: others' work on the machine moves the figures. */
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
  };
}
