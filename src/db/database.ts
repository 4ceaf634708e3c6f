import { cpSync, existsSync, readdirSync } from 'node:fs';
import type * as PGliteModule from '@electric-sql/pglite';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { LOCK_FILE, lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { runLeanOn } from './lean-pools.js';
import { namingPool } from './named-statements.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './types.js';

export type Db = Kysely<Database>;
/** Repositories take either the database or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** What it was opened with (sandboxes open their databases beside it). */
  options: DatabaseOptions;
  /** Pings the database; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
// Unix-second timestamps and money live in bigint columns; they fit a JS number exactly.
pg.types.setTypeParser(INT8, (v) => Number(v));

export interface DatabaseOptions {
  /** A postgres:// URL; without one the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; undefined keeps the embedded database in memory. */
  dataDir?: string;
  /** PGlite: start from this dump (`dumpDataDir`) instead of an empty cluster, when there is no data yet. */
  loadDataDir?: Blob;
  /**
   * PGlite: a migrated cluster's data directory, copied into `dataDir` when that holds no
   * cluster yet. A copy boots in a fraction of a second; a dump is unpacked in seconds.
   */
  templateDir?: string;
  /** PGlite: server settings (`-c name=value`) beside PGlite's own, over the mirror's (PGLITE_SETTINGS). */
  settings?: Record<string, string>;
  poolSize?: number;
}

/** Opens the database; on disk, the embedded one is locked for this process first (DataDirLocked while another holds it). */
export function openDatabase(opts: DatabaseOptions): DatabaseHandle {
  if (opts.url) return { ...openPostgres(opts.url, opts.poolSize ?? 20), options: opts };
  const lock = opts.dataDir ? lockDataDir(opts.dataDir) : undefined;
  try {
    if (opts.templateDir && opts.dataDir && isEmpty(opts.dataDir))
      cpSync(opts.templateDir, opts.dataDir, { recursive: true });
    return { ...openPglite(opts, lock), options: opts };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

function openPostgres(url: string, max: number): Omit<DatabaseHandle, 'options'> {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingPool(pool) }) });
  runLeanOn(db, pool);
  return {
    db,
    kind: 'postgres',
    ping: async () => void (await pool.query('SELECT 1')),
    close: () => db.destroy(),
  };
}

/** Nothing in it yet but this process's lock (and the files it is made from). */
const isEmpty = (dir: string) => !existsSync(dir) || readdirSync(dir).every((name) => name.startsWith(LOCK_FILE));

/**
 * PGlite's server settings unless the caller's say otherwise. Its 128 MB of shared buffers sit
 * in the WebAssembly memory, which grows as they fill and never shrinks: the mirror's data is
 * small and the operating system caches the files behind them, so 16 MB serve it as fast and
 * keep the embedded server's memory near a hundred megabytes lower.
 */
const PGLITE_SETTINGS: Record<string, string> = { shared_buffers: '16MB' };

// PGlite's module (its WebAssembly loader, several hundred kilobytes of script) is loaded by
// the first embedded database a process opens, so a server on Postgres never pays for it.
let pgliteModule: Promise<typeof PGliteModule> | undefined;
const loadPglite = () => (pgliteModule ??= import('@electric-sql/pglite'));

function openPglite(
  { dataDir, loadDataDir, settings = {} }: DatabaseOptions,
  lock: DataDirLock | undefined,
): Omit<DatabaseHandle, 'options'> {
  // A dump seeds only a directory with no cluster in it yet (a sandbox made before keeps its data).
  const load = loadDataDir && (!dataDir || isEmpty(dataDir));
  const parsers = { [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => Number(v) };
  const pglite: Promise<PGlite> = loadPglite().then(({ PGlite }) => {
    const startParams = [
      ...PGlite.defaultStartParams,
      ...Object.entries({ ...PGLITE_SETTINGS, ...settings }).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ];
    return new PGlite(dataDir, { parsers, startParams, ...(load ? { loadDataDir } : {}) });
  });
  pglite.catch(() => {}); // a failure surfaces on the first query or ping; until then it is not unhandled
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    ping: async () => void (await (await pglite).query('SELECT 1')),
    close: async () => {
      try {
        await db.destroy();
        // Kysely closes PGlite only if a query ever started it.
        const instance = await pglite.catch(() => undefined);
        if (instance && !instance.closed) await instance.close();
      } finally {
        lock?.release();
      }
    },
  };
}
