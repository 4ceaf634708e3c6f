import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp, type App, type AppOptions } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { sandboxDatabasePrefix } from '../src/db/sandboxes.js';
import { migrations } from '../migrations/index.js';
import { scratchDir } from './scratch.js';

// Each test gets a database of its own: on Postgres a copy of a migrated template database
// (TEST_DATABASE_URL, else DATABASE_URL); with neither, a PGlite on a copy of a migrated
// empty cluster's data directory. Both are made once per set of migrations (test/before.ts
// makes them before the first file runs; a file run alone makes them if they are missing).

interface Tap {
  teardown(fn: () => unknown): void;
}

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

/** Changes whenever a migration (or the embedded database's version) does, so a stale template or dump is never used. */
function migrationsHash(): string {
  const h = createHash('sha256');
  for (const [name, m] of Object.entries(migrations)) h.update(name).update(m.up.toString());
  h.update(readFileSync(join(process.cwd(), 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  return h.digest('hex').slice(0, 12);
}

const templateName = () => `ikm_template_${migrationsHash()}`;

/** Where the migrated PGlite cluster is kept between runs: npm's conventional cache folder, ignored by git. */
const pgliteTemplateDir = () =>
  join(process.cwd(), 'node_modules', '.cache', 'ik-mirror', `pglite-${migrationsHash()}`);

/** Templates of other migrations (an older checkout's) are only disk space. */
function forgetOtherTemplates(current: string): void {
  const cache = dirname(current);
  const name = basename(current);
  // This template, or one being built (`<name>.<pid>`).
  const ours = (entry: string) => entry.startsWith(name) && /^(\.\d+)?$/.test(entry.slice(name.length));
  for (const entry of readdirSync(cache)) {
    if (entry.startsWith('pglite-') && !ours(entry)) rmSync(join(cache, entry), { recursive: true, force: true });
  }
}

/**
 * The migrated empty PGlite cluster, as a data directory each test database is a copy of:
 * initdb and the migrations cost ~8 s once; a copy boots in a fraction of a second (a dump,
 * unpacked into memory, took seconds).
 */
async function pgliteTemplate(): Promise<string> {
  const dir = pgliteTemplateDir();
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  // Built aside then renamed: a file running in parallel sees a whole template or none.
  const building = `${dir}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const handle = openDatabase({ dataDir: building });
  await migrateToLatest(handle.db);
  // No test creates a database inside PGlite (a sandbox there is another PGlite): without the
  // template databases the copy each test makes is half the size.
  for (const name of ['template0', 'template1']) {
    await sql`ALTER DATABASE ${sql.id(name)} WITH IS_TEMPLATE false`.execute(handle.db);
    await sql`DROP DATABASE ${sql.id(name)}`.execute(handle.db);
  }
  await handle.close();
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another process got there first
  }
  forgetOtherTemplates(dir);
  return dir;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Templates of other migrations (an older checkout's) are only disk space; one still being copied from stays. */
async function dropOtherTemplates(admin: pg.Client, current: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'ikm\\_template\\_%' AND datname <> $1",
    [current],
  );
  for (const r of rows) await admin.query(`DROP DATABASE "${r.datname}"`).catch(() => undefined);
}

async function ensureTemplate(admin: pg.Client, url: string, name: string): Promise<void> {
  // Parallel test files race to build the template; one builds, the others wait for it.
  await admin.query('SELECT pg_advisory_lock(4242002)');
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE "${name}_building"`).catch(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}_building"`);
      await admin.query(`CREATE DATABASE "${name}_building"`);
    });
    const handle = openDatabase({ url: withDatabase(url, `${name}_building`), poolSize: 1 });
    await migrateToLatest(handle.db);
    await handle.close();
    await admin.query(`ALTER DATABASE "${name}_building" RENAME TO "${name}"`);
    await dropOtherTemplates(admin, name);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(4242002)');
  }
}

/** Makes the test run's template (Postgres) or dump (PGlite) once, before the files run. */
export async function prepareTestDatabases(): Promise<void> {
  if (!serverUrl) return void (await pgliteTemplate());
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await ensureTemplate(admin, serverUrl, templateName());
  } finally {
    await admin.end();
  }
}

const urls = new WeakMap<DatabaseHandle, string>();

/** PGlite (whatever the test run's database): a copy of the template in a directory of its own, removed (with its sandboxes) when the test ends. */
export async function pgliteDatabase(t: Tap): Promise<DatabaseHandle> {
  const templateDir = await pgliteTemplate();
  const dataDir = scratchDir('ikm-test-');
  const handle = openDatabase({ dataDir, templateDir });
  t.teardown(async () => {
    await handle.close();
    await Promise.all([dataDir, `${dataDir}-sandboxes`].map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return handle;
}

/** Postgres: a new copy of the template, dropped with the sandboxes made beside it when the test ends. */
async function postgresDatabase(t: Tap): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const template = templateName();
  await ensureTemplate(admin, serverUrl!, template);
  const name = `ikm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  t.teardown(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    // And the sandboxes a test made beside it.
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [sandboxDatabasePrefix(name)],
    );
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
  });
  return withDatabase(serverUrl!, name);
}

export async function testDatabase(t: Tap): Promise<DatabaseHandle> {
  if (!serverUrl) return pgliteDatabase(t);
  const url = await postgresDatabase(t);
  const handle = openDatabase({ url, poolSize: 10 });
  urls.set(handle, url);
  t.teardown(() => handle.close());
  return handle;
}

/** For a server a test starts as a process: the URL of a database of the test's own on TEST_DATABASE_URL's server, undefined without one. */
export const testDatabaseUrl = async (t: Tap): Promise<string | undefined> =>
  serverUrl ? postgresDatabase(t) : undefined;

/** For a server a test starts as a process: a DATA_DIR holding a copy of the migrated empty embedded cluster; removed (with its sandboxes) when the test ends. */
export async function migratedDataDir(t: Tap): Promise<string> {
  const dir = scratchDir('ikm-data-');
  t.teardown(() => Promise.all([dir, `${dir}-sandboxes`].map((d) => rm(d, { recursive: true, force: true }))));
  cpSync(await pgliteTemplate(), dir, { recursive: true });
  return dir;
}

/**
 * Another connection pool on the same test database, as a second instance of the server
 * would have. PGlite lives in this process and has no server to connect to: the same handle.
 */
export function sameDatabase(t: Tap, handle: DatabaseHandle): DatabaseHandle {
  const url = urls.get(handle);
  if (!url) return handle;
  const other = openDatabase({ url, poolSize: 10 });
  t.teardown(() => other.close());
  return other;
}

export interface TestAppOptions extends Partial<Omit<AppOptions, 'config'>> {
  config?: Partial<Config>;
}

/** The control plane's token in tests (`/_mirror` is on unless a test sets it undefined). */
export const ADMIN_TOKEN = 'test-mirror-admin-token';

/**
 * An app on its own database. The limit is raised so ordinary tests never trip it, and the
 * renewal job runs only when a test moves the clock, never on a timer in the background.
 */
export async function buildTestApp(t: Tap, opts: TestAppOptions = {}): Promise<App> {
  const database = opts.database ?? (await testDatabase(t));
  const config = {
    ...loadConfig({}),
    RATE_LIMIT_MAX: 100_000,
    RENEWAL_INTERVAL_SECONDS: 0,
    MIRROR_ADMIN_TOKEN: ADMIN_TOKEN,
    ...opts.config,
  };
  const app = await buildApp({ ...opts, config, database });
  await app.ready();
  t.teardown(() => app.close());
  return app;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One request as a client sends it, the one way the tests call a route: the caller's bearer
 * token (none when null or undefined), a JSON body when one is given, and any other headers.
 */
export const call = (
  app: App,
  token: string | null | undefined,
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) =>
  app.inject({
    method,
    url,
    headers: { ...(token ? bearer(token) : {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

/**
 * The option of a test about what concurrent transactions do to each other (row locks,
 * serialisation). The embedded database runs transactions one at a time, so there such a
 * test could not fail: it is skipped, saying why. CI runs the suite on Postgres.
 */
/** Whether the tests run on a Postgres server (CI) rather than the embedded database. */
export const onPostgres = serverUrl !== undefined;

export const needsPostgres = (why: string) => ({ skip: serverUrl ? false : `needs Postgres: ${why}` });
