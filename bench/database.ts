import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { onCleanup } from './cleanup.js';

// The bench's throwaway database: a fresh one on the Postgres server of DATABASE_URL, dropped
// at the end, or an embedded PGlite in a temporary directory. PGlite's directory is opened by
// one process at a time, so the bench seeds with the servers stopped (withDb).

export interface Target {
  kind: 'postgres' | 'pglite';
  url?: string;
  dataDir?: string;
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function createPostgresDatabase(adminUrl: string): Promise<Target> {
  const name = `ikm_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  onCleanup(async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    console.log(`dropped database ${name}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  console.log(`created database ${name}`);
  return { kind: 'postgres', url: url.toString() };
}

function createPgliteDir(): Target {
  const dataDir = mkdtempSync(join(tmpdir(), 'ikm-bench-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  return { kind: 'pglite', dataDir };
}

/** A new, migrated database: on DATABASE_URL's server when set, else embedded. */
export async function createTarget(): Promise<Target> {
  const target = process.env.DATABASE_URL ? await createPostgresDatabase(process.env.DATABASE_URL) : createPgliteDir();
  await withDb(target, (db) => migrateToLatest(db));
  return target;
}

/** Opens the target for the bench's own SQL (seeding, checks), closed after; no server may hold a PGlite target meanwhile. */
export async function withDb<T>(target: Target, work: (db: Db) => Promise<T>): Promise<T> {
  const database = openDatabase({ url: target.url, dataDir: target.dataDir, poolSize: 4 });
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}
