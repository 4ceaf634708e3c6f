import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { PGlite } from '@electric-sql/pglite';
import Fastify, { type FastifyInstance } from 'fastify';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { leanHeapGrowth } from '../src/lean-heap.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/types.js';
import { tokensRepository } from '../src/modules/tokens/tokens.repository.js';
import { SAME_BYTES_ENV } from './settings.js';

// The two servers the bench compares, each run in a child process of the bench so that
// the load generator does not share their event loop:
//   node dist/bench/servers.js ikm    the real app (buildApp), every plugin and hook
//   node dist/bench/servers.js bare   plain Fastify, one route doing the auth lookup alone
//                                     (same SQL, same pool size, the row sent back as JSON)
// The database is BENCH_DATABASE_URL (Postgres) or BENCH_DATA_DIR (PGlite, one process at a
// time). Once listening, the child prints {"mode","port","sql"} as one JSON line on stdout;
// SIGTERM (or the parent closing stdin) closes it.

const POOL_SIZE = 20; // ik-mirror's default (src/db/database.ts)

/**
 * The exact statement ik-mirror's auth runs on every request (tokensRepository.findWithUser),
 * captured from Kysely without a database, so the baseline follows any change to that query.
 */
async function authLookupSql(): Promise<string> {
  let captured = '';
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      captured = event.query.sql;
    },
  });
  await tokensRepository(db).findWithUser('0'.repeat(64));
  await db.destroy();
  if (!captured) throw new Error('could not capture the auth lookup statement');
  return captured;
}

type Query = (text: string, params: unknown[]) => Promise<{ rows: unknown[] }>;

async function startIkm(url: string | undefined, dataDir: string | undefined) {
  const config = loadConfig({
    DATABASE_URL: url,
    DATA_DIR: dataDir ?? './data',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    RATE_LIMIT_MAX: process.env.RATE_LIMIT_MAX,
    REDIS_URL: process.env.BENCH_REDIS_URL,
    // Only for the reset + seed measurement: the control plane's hooks stay off for the others.
    MIRROR_ADMIN_TOKEN: process.env.BENCH_ADMIN_TOKEN || undefined,
  });
  const database = openDatabase({ url, dataDir, poolSize: POOL_SIZE });
  // Logging off by default, as asked of the comparison; BENCH_LOG_LEVEL=info measures pino's
  // share too (written to /dev/null so the terminal is not the bottleneck).
  const logger = process.env.BENCH_LOG_LEVEL ? { level: config.LOG_LEVEL, file: '/dev/null' } : false;
  const app = await buildApp({ config, database, logger });
  return { app, close: () => database.close() };
}

async function startBare(url: string | undefined, dataDir: string | undefined) {
  const sqlText = await authLookupSql();
  let query: Query;
  let close: () => Promise<void>;
  if (url) {
    pg.types.setTypeParser(20, (v) => Number(v)); // as src/db/database.ts does
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    // Named, as ik-mirror sends its statements (src/db/named-statements.ts): prepared once per connection.
    query = (text, params) => pool.query({ name: 'bare_auth_lookup', text, values: params });
    close = () => pool.end();
  } else {
    const pglite = new PGlite(dataDir, { parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) } });
    query = (text, params) => pglite.query(text, params);
    close = () => pglite.close();
  }
  const app = Fastify({ logger: false });
  app.get('/bare', async (req, reply) => {
    const { rows } = await query(sqlText, [tokenHashOf(req.headers.authorization)]);
    if (!rows[0]) return reply.code(401).send({ result: 'error' });
    return { result: 'success', data: rows[0] };
  });
  serveSameBytes(app, query, sqlText);
  return { app, close, sql: sqlText };
}

/** The hash of the request's bearer token, as ik-mirror stores tokens. */
const tokenHashOf = (authorization: string | undefined) =>
  createHash('sha256')
    .update(/^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '')
    .digest('hex');

/**
 * With BENCH_SAME_BYTES_FILE (scenarios/same-bytes.ts): GET /bare/same/{i} does the token
 * lookup, then sends the i-th answer of the file as it is: a route's bytes, none of its work.
 */
function serveSameBytes(app: FastifyInstance, query: Query, sqlText: string) {
  const file = process.env[SAME_BYTES_ENV];
  if (!file) return;
  const answers = (JSON.parse(readFileSync(file, 'utf8')) as string[]).map((a) => Buffer.from(a));
  app.get<{ Params: { i: string } }>('/bare/same/:i', async (req, reply) => {
    const { rows } = await query(sqlText, [tokenHashOf(req.headers.authorization)]);
    const answer = answers[Number(req.params.i)];
    if (!rows[0] || !answer) return reply.code(rows[0] ? 404 : 401).send({ result: 'error' });
    return reply.type('application/json; charset=utf-8').send(answer);
  });
}

async function main() {
  const mode = process.argv[2];
  const url = process.env.BENCH_DATABASE_URL || undefined;
  const dataDir = process.env.BENCH_DATA_DIR || undefined;
  if (!url && !dataDir) throw new Error('set BENCH_DATABASE_URL or BENCH_DATA_DIR');
  if (mode !== 'ikm' && mode !== 'bare') throw new Error(`usage: servers.js ikm|bare (got ${mode})`);

  const { app, close, sql } =
    mode === 'ikm' ? { ...(await startIkm(url, dataDir)), sql: undefined } : await startBare(url, dataDir);
  await app.listen({ port: 0, host: '127.0.0.1' });
  // As src/server.ts does once listening: the memory measured is the server's as it runs.
  if (mode === 'ikm') leanHeapGrowth();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ mode, port, sql })}\n`);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await (app as FastifyInstance).close();
    await close();
    // A normal exit lets --cpu-prof write its profile.
    process.exit(0);
  };
  const stop = () => void shutdown();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent going away (even killed) closes our stdin pipe: follow it. A "cpu" line asks
  // for this process's CPU time so far (the CPU-per-request figure), an "rss" line for its
  // resident memory (the memory figures); every line gets one answer, in order.
  process.stdin.on('end', stop);
  createInterface({ input: process.stdin }).on('line', (line) => {
    const ask = line.trim();
    const answer =
      ask === 'cpu' ? { cpu: process.cpuUsage() } : ask === 'rss' ? { rss: process.memoryUsage().rss } : {};
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
