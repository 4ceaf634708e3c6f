import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { Kysely, sql } from 'kysely';
import type { Database } from './types.js';
import { AppError, errorCode } from '../shared/errors.js';
import { syncClock } from './clock.js';
import { runInScope, type Scope } from '../shared/scope.js';
import { DataDirLocked } from './data-dir-lock.js';
import { openDatabase, type DatabaseHandle } from './database.js';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pglite-dialect.js';

// Sandboxes: a database of its own per name, beside the main one, so that parallel test runs
// (CI shards) never see or reset each other's data. A whole database rather than a schema:
// every query, raw SQL, column default (`mirror_now()` reads the sandbox's own clock) and
// the control plane's reset and snapshots work unchanged inside it. On Postgres each is a
// database `sbx_<hash of the main database's name>_<name>` (the role needs CREATEDB); on the
// embedded PGlite each is another PGlite, in memory or under `<DATA_DIR>-sandboxes/<name>`,
// whose directory is locked for this process like the main one (src/db/data-dir-lock.ts).
// Only the control plane makes a sandbox (the first request with the admin token naming it),
// and it stays until it is deleted; any other request naming one that does not exist is
// refused, so that no caller can fill the limit or make databases.

export const SANDBOX_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const POOL_SIZE = 5;
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';
// What a query meets on a sandbox another instance deleted: the database is gone
// (invalid_catalog_name), or its connection was ended by the DROP … WITH (FORCE).
const VANISHED = new Set(['3D000', '57P01']);

/** Whether an error says the sandbox's database was deleted under this instance. */
export function sandboxVanished(err: unknown): boolean {
  const code = errorCode(err);
  return typeof code === 'string' && VANISHED.has(code);
}

/** What a request naming a sandbox that does not exist, without the right to make it, is told. */
const missing = (name: string) =>
  new AppError(
    'object_not_found',
    `The sandbox ${name} does not exist: the control plane makes it (POST /_mirror/sandboxes, or a request with the MIRROR_ADMIN_TOKEN naming it)`,
    { sandbox: name },
  );

/** Postgres: the sandboxes' databases start with this; the main database's name, hashed, keeps them apart per main database. */
export const sandboxDatabasePrefix = (mainDatabase: string) =>
  `sbx_${createHash('sha256').update(mainDatabase).digest('hex').slice(0, 8)}_`;

/** PGlite: an empty cluster with every migration run, as a dump to start others from. */
export async function emptyMigratedDump(): Promise<Blob> {
  // Loaded here, not at start: a server on Postgres never needs PGlite (see database.ts).
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = new PGlite();
  try {
    await migrateToLatest(new Kysely<Database>({ dialect: new PGliteDialect(pglite) }));
    return await pglite.dumpDataDir('none');
  } finally {
    await pglite.close();
  }
}

export interface Opened {
  handle: DatabaseHandle;
  scope: Scope;
}

// Apps on one database handle (tests run two in a process; the embedded database can be
// reached no other way) share its sandboxes: the last app to close closes them.
const shared = new WeakMap<DatabaseHandle, { sandboxes: Sandboxes; users: number }>();

export class Sandboxes {
  private opened = new Map<string, Promise<Opened>>();
  /** PGlite: a migrated, empty cluster, dumped once; a new sandbox starts from it (about 2 s instead of 9: initdb is the cost). */
  private template: Promise<Blob> | undefined;

  private constructor(
    private readonly main: DatabaseHandle,
    private readonly limit: number,
  ) {}

  /** The sandboxes beside this database, for one more app; `release` when it closes. */
  static of(main: DatabaseHandle, limit: number): Sandboxes {
    const entry = shared.get(main) ?? { sandboxes: new Sandboxes(main, limit), users: 0 };
    entry.users++;
    shared.set(main, entry);
    return entry.sandboxes;
  }

  /** One app less; the last one closes every sandbox's pool. */
  async release(): Promise<void> {
    const entry = shared.get(this.main);
    if (entry && --entry.users > 0) return;
    shared.delete(this.main);
    await this.close();
  }

  /**
   * The sandbox's scope. With `mayCreate` (the admin token's requests) its database is made and
   * migrated the first time; without, a sandbox that does not exist is object_not_found.
   */
  open(name: string, mayCreate: boolean): Promise<Opened> {
    if (!SANDBOX_NAME.test(name)) {
      return Promise.reject(
        new AppError(
          'bad_request',
          'A sandbox name is 1 to 32 characters: lowercase letters, digits and hyphens, not starting with a hyphen',
          { sandbox: name },
        ),
      );
    }
    const pending = this.opened.get(name);
    if (pending) return mayCreate ? pending.catch((err: unknown) => this.makeIfMissing(name, err)) : pending;
    const opening = this.connect(name, mayCreate);
    this.opened.set(name, opening);
    opening.catch(() => this.opened.delete(name));
    return opening;
  }

  /**
   * An admin's request that joined another's look-up of a sandbox not there: it makes it after
   * all (the failed look-up has left the map by now: its handler was attached first).
   */
  private async makeIfMissing(name: string, err: unknown): Promise<Opened> {
    if (err instanceof AppError && err.code === 'object_not_found') return this.open(name, true);
    throw err;
  }

  /** The sandboxes that exist (on Postgres, those other instances made too), sorted. */
  async list(): Promise<string[]> {
    const names = new Set(this.opened.keys());
    if (this.main.kind === 'postgres') {
      const { rows } = await sql<{
        datname: string;
      }>`SELECT datname FROM pg_database WHERE starts_with(datname, ${this.prefix()})`.execute(this.main.db);
      for (const r of rows) names.add(r.datname.slice(this.prefix().length));
    } else {
      const dir = this.directory();
      if (dir && existsSync(dir)) for (const d of readdirSync(dir)) names.add(d);
    }
    return [...names].filter((n) => SANDBOX_NAME.test(n)).sort();
  }

  /** The sandboxes open on this instance (the renewal job runs in each). */
  async openHere(): Promise<Opened[]> {
    const settled = await Promise.allSettled(this.opened.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  /** Deletes the sandbox and all its data; false when there was none. */
  async drop(name: string): Promise<boolean> {
    const existed = (await this.list()).includes(name);
    await this.forget(name);
    if (this.main.kind === 'postgres') {
      // FORCE ends the connections other instances may hold to it.
      await sql`DROP DATABASE IF EXISTS ${sql.id(this.prefix() + name)} WITH (FORCE)`.execute(this.main.db);
    } else if (this.directory()) {
      rmSync(`${this.directory()}/${name}`, { recursive: true, force: true });
    }
    return existed;
  }

  /** Lets go of the sandbox on this instance (at once; its pool closes after): its next request opens it again. */
  async forget(name: string): Promise<void> {
    const opening = this.opened.get(name);
    this.opened.delete(name);
    await opening
      ?.then(
        (o) => o.handle.close(),
        () => undefined,
      )
      .catch(() => undefined);
  }

  private async close(): Promise<void> {
    const all = await this.openHere();
    this.opened.clear();
    await Promise.all(all.map((o) => o.handle.close()));
  }

  /** Opens the sandbox's database (on Postgres, one another instance made counts), made first if it may be. */
  private async connect(name: string, mayCreate: boolean): Promise<Opened> {
    const known = await this.list();
    if (!known.includes(name)) {
      if (!mayCreate) throw missing(name);
      if (known.length >= this.limit) {
        throw new AppError(
          'bad_request',
          `This mirror keeps at most ${this.limit} sandboxes (MIRROR_SANDBOX_LIMIT): delete one with DELETE /_mirror/sandboxes/{name}`,
          { sandbox: name, limit: this.limit },
        );
      }
    }
    const handle =
      this.main.kind === 'postgres' ? await this.connectPostgres(name, mayCreate) : await this.makePglite(name);
    try {
      await migrateToLatest(handle.db);
      const scope: Scope = { sandbox: name, main: this.main.db, db: handle.db, clock: { offset: 0 } };
      await runInScope(scope, () => syncClock(handle.db));
      return { handle, scope };
    } catch (err) {
      await handle.close();
      // Deleted (through another instance) since it was listed: it does not exist any more.
      throw !mayCreate && sandboxVanished(err) ? missing(name) : err;
    }
  }

  private async connectPostgres(name: string, mayCreate: boolean): Promise<DatabaseHandle> {
    const database = this.prefix() + name;
    // Two instances (or two requests) may make the same sandbox at once: the loser's error
    // only says it exists, and the migrations' lock orders the rest.
    if (mayCreate) {
      await sql`CREATE DATABASE ${sql.id(database)}`.execute(this.main.db).catch((err: { code?: string }) => {
        if (err.code !== DUPLICATE_DATABASE && err.code !== UNIQUE_VIOLATION) throw err;
      });
    }
    const url = this.mainUrl();
    url.pathname = `/${database}`;
    return openDatabase({ url: url.toString(), poolSize: POOL_SIZE });
  }

  private async makePglite(name: string): Promise<DatabaseHandle> {
    try {
      return await this.openPglite(name);
    } catch (err) {
      if (!(err instanceof DataDirLocked)) throw err;
      throw new AppError(
        'conflict_error',
        `The sandbox's data directory is in use by another process (pid ${err.holder.pid} on ${err.holder.host})`,
        { sandbox: name, pid: err.holder.pid },
      );
    }
  }

  private async openPglite(name: string): Promise<DatabaseHandle> {
    const dir = this.directory();
    // A main database copied from a migrated cluster's directory (tests) lends it.
    const { templateDir, settings } = this.main.options;
    if (dir && templateDir) return openDatabase({ dataDir: `${dir}/${name}`, templateDir, settings });
    if (!this.template) {
      // A main database that itself started from a migrated empty dump (tests) lends it.
      this.template = this.main.options.loadDataDir
        ? Promise.resolve(this.main.options.loadDataDir)
        : emptyMigratedDump();
      this.template.catch(() => (this.template = undefined));
    }
    return openDatabase({ dataDir: dir ? `${dir}/${name}` : undefined, loadDataDir: await this.template });
  }

  private prefix(): string {
    return sandboxDatabasePrefix(decodeURIComponent(this.mainUrl().pathname.slice(1)) || 'postgres');
  }

  /** Postgres: the main database's URL, which every Postgres handle is opened with. */
  private mainUrl(): URL {
    const { url } = this.main.options;
    if (!url) throw new Error('Sandboxes: a Postgres main database opened without a URL');
    return new URL(url);
  }

  /** PGlite on disk: where the sandboxes' data directories live; undefined in memory. */
  private directory(): string | undefined {
    return this.main.options.dataDir ? `${this.main.options.dataDir.replace(/\/+$/, '')}-sandboxes` : undefined;
  }
}
