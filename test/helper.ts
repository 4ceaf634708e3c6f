import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp, type App, type AppOptions } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type DatabaseHandle, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { emptyMigratedDump, sandboxDatabasePrefix } from '../src/db/sandboxes.js';
import { migrations } from '../migrations/index.js';

// Each test file gets a database of its own: on Postgres a copy of a migrated template
// (TEST_DATABASE_URL, else DATABASE_URL); with neither, an in-memory PGlite started from a
// dump of a migrated empty cluster. Both are made once per set of migrations (test/before.ts
// makes them before the first file runs; a file run alone makes them if they are missing).

interface Tap {
  teardown(fn: () => unknown): void;
}

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

/** Changes whenever a migration (or the embedded database's version) does, so a stale template or dump is never used. */
function migrationsHash(): string {
  const h = createHash('sha256');
  for (const [name, m] of Object.entries(migrations)) h.update(name).update(String(m.up));
  h.update(readFileSync(join(process.cwd(), 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  return h.digest('hex').slice(0, 12);
}

const templateName = () => `ikm_template_${migrationsHash()}`;

/** Where the PGlite dump is kept between runs: npm's conventional cache folder, ignored by git. */
const dumpPath = () => join(process.cwd(), 'node_modules', '.cache', 'ik-mirror', `pglite-${migrationsHash()}.tar`);

/** The migrated empty PGlite cluster as a dump: initdb and the migrations cost ~8 s; loading it, a fraction. */
async function pgliteDump(): Promise<Blob> {
  const path = dumpPath();
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    const dump = await emptyMigratedDump();
    mkdirSync(dirname(path), { recursive: true });
    // Written aside then renamed: a file running in parallel reads a whole dump or none.
    const partial = `${path}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, path);
    return dump;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
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
  } finally {
    await admin.query('SELECT pg_advisory_unlock(4242002)');
  }
}

/** Makes the test run's template (Postgres) or dump (PGlite) once, before the files run. */
export async function prepareTestDatabases(): Promise<void> {
  if (!serverUrl) return void (await pgliteDump());
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await ensureTemplate(admin, serverUrl, templateName());
  } finally {
    await admin.end();
  }
}

const urls = new WeakMap<DatabaseHandle, string>();

// PGlite: starting one costs seconds (the database boots inside WebAssembly), and a test file
// asks for several. A database whose test has ended goes back to a pool of this process and
// is lent again once set back exactly to the migrated state it started in: every table as it
// was (copied aside when it was first opened), every sequence where it stood, the schemas
// tests made (snapshots) dropped. The server's keys are left, as the app caches them per
// database. Set back when lent rather than when returned: by then every app on it is closed.
const PRISTINE = 'ikm_test_pristine';
const KEPT = new Set(['kysely_migration', 'kysely_migration_lock', 'mirror_secrets']);
const idle: DatabaseHandle[] = [];

async function publicTables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(db);
  return rows.map((r) => r.table_name).filter((n) => !KEPT.has(n)).sort();
}

async function rememberPristine(db: Db): Promise<void> {
  await sql`CREATE SCHEMA ${sql.id(PRISTINE)}`.execute(db);
  for (const table of await publicTables(db)) {
    await sql`CREATE TABLE ${sql.id(PRISTINE, table)} AS TABLE ${sql.id('public', table)}`.execute(db);
  }
  await sql`CREATE TABLE ${sql.id(PRISTINE, '_sequences')} AS
    SELECT sequencename AS name, last_value FROM pg_sequences WHERE schemaname = 'public'`.execute(db);
}

async function backToPristine(db: Db): Promise<void> {
  const { rows: schemas } = await sql<{ nspname: string }>`
    SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('public', ${PRISTINE}, 'information_schema') AND nspname NOT LIKE 'pg\_%'`.execute(db);
  for (const s of schemas) await sql`DROP SCHEMA ${sql.id(s.nspname)} CASCADE`.execute(db);
  const tables = await publicTables(db);
  await db.transaction().execute(async (trx) => {
    // Rows go back in any order: foreign keys and triggers are not checked while they do.
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql`TRUNCATE TABLE ${sql.join(tables.map((n) => sql.id('public', n)))} RESTART IDENTITY CASCADE`.execute(trx);
    for (const table of tables) {
      await sql`INSERT INTO ${sql.id('public', table)} SELECT * FROM ${sql.id(PRISTINE, table)}`.execute(trx);
    }
    await sql`SELECT setval(format('public.%I', name), last_value) FROM ${sql.id(PRISTINE, '_sequences')} WHERE last_value IS NOT NULL`.execute(trx);
  });
}

async function pgliteDatabase(t: Tap): Promise<DatabaseHandle> {
  let handle = idle.pop();
  if (handle) {
    await backToPristine(handle.db);
  } else {
    handle = openDatabase({ loadDataDir: await pgliteDump() });
    await migrateToLatest(handle.db);
    await rememberPristine(handle.db);
  }
  const lent = handle;
  t.teardown(() => void idle.push(lent));
  return lent;
}

export async function testDatabase(t: Tap): Promise<DatabaseHandle> {
  if (!serverUrl) return pgliteDatabase(t);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const template = templateName();
  await ensureTemplate(admin, serverUrl, template);
  const name = `ikm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const handle = openDatabase({ url: withDatabase(serverUrl, name), poolSize: 10 });
  urls.set(handle, withDatabase(serverUrl, name));
  t.teardown(async () => {
    await handle.close();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    // And the sandboxes a test made beside it.
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [sandboxDatabasePrefix(name)]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
  });
  return handle;
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
  const config = { ...loadConfig({}), RATE_LIMIT_MAX: 100_000, RENEWAL_INTERVAL_SECONDS: 0, MIRROR_ADMIN_TOKEN: ADMIN_TOKEN, ...opts.config };
  const app = await buildApp({ ...opts, config, database });
  await app.ready();
  t.teardown(() => app.close());
  return app;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The option of a test about what concurrent transactions do to each other (row locks,
 * serialisation). The embedded database runs transactions one at a time, so there such a
 * test could not fail: it is skipped, saying why. CI runs the suite on Postgres.
 */
export const needsPostgres = (why: string) => ({ skip: serverUrl ? false : `needs Postgres: ${why}` });
