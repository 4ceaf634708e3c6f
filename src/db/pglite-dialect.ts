import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import { messageOf, type OneMessage } from './one-message.js';

// Kysely's own PGlite dialect arrived with a release that requires Node 22; this is the same
// design for the Kysely we use on Node 20. PGlite is one session: a mutex lends it to one
// query or one whole transaction at a time (as Kysely does for SQLite), and a transaction runs
// in PGlite's exclusive transaction mode, so nothing that reaches the PGlite instance directly
// (a dump, a ping) can slip a statement into it.

/** Waiters are served in order; `lock()` resolves once the previous holder unlocked. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.release = release;
  }

  unlock(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }
}

/** Settles once: the transaction callback waits on it, commit resolves it, rollback rejects it. */
class Outcome {
  readonly done: Promise<void>;
  commit!: () => void;
  rollback!: (reason: unknown) => void;
  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.commit = resolve;
      this.rollback = reject;
    });
  }
}

class RollbackRequested extends Error {}

class PGliteConnection implements DatabaseConnection {
  private transaction: PGliteTransaction | undefined;
  private outcome: Outcome | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const message = messageOf(query.parameters);
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a message's rows are its statements' rows, one entry each: what inOneMessage reads
    if (message) return (await this.runMessage(message)) as QueryResult<R>;
    const { affectedRows, rows } = await (this.transaction ?? this.pglite).query<R>(query.sql, [...query.parameters], {
      rowMode: 'object',
    });
    return { numAffectedRows: affectedRows == null ? undefined : BigInt(affectedRows), rows: rows ?? [] };
  }

  /** A message (one-message.ts, which refuses one inside a transaction) is one transaction of its statements: nothing else runs on this one connection meanwhile. */
  private async runMessage(message: OneMessage): Promise<QueryResult<unknown[]>> {
    const rows = await this.pglite.transaction(async (tx) => {
      const each: unknown[][] = [];
      for (const s of message.statements)
        each.push((await tx.query(s.sql, [...s.parameters], { rowMode: 'object' })).rows);
      return each;
    });
    return { rows };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream query results');
  }

  async begin(): Promise<void> {
    const outcome = new Outcome();
    let begun!: () => void;
    const started = new Promise<void>((resolve) => (begun = resolve));
    this.outcome = outcome;
    this.closed = this.pglite.transaction(async (tx) => {
      this.transaction = tx;
      begun();
      await outcome.done;
    });
    // A BEGIN that fails rejects `closed` before the callback runs.
    await Promise.race([started, this.closed]);
  }

  async commit(): Promise<void> {
    this.outcome?.commit();
    try {
      await this.closed;
    } finally {
      this.reset();
    }
  }

  async rollback(): Promise<void> {
    this.outcome?.rollback(new RollbackRequested());
    await this.closed?.catch(() => {});
    this.reset();
  }

  private reset(): void {
    this.transaction = undefined;
    this.outcome = undefined;
    this.closed = undefined;
  }
}

class PGliteDriver implements Driver {
  private readonly mutex = new Mutex();
  private connection: PGliteConnection | undefined;

  constructor(private readonly pglite: PGlite | Promise<PGlite>) {}

  async init(): Promise<void> {
    const pglite = await this.pglite;
    await pglite.waitReady;
    this.connection = new PGliteConnection(pglite);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    // Set by init(), which Kysely awaits before the first acquire.
    if (!this.connection) throw new Error('PGliteDriver: a connection was acquired before init()');
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  beginTransaction = (connection: DatabaseConnection) => ownConnection(connection).begin();
  commitTransaction = (connection: DatabaseConnection) => ownConnection(connection).commit();
  rollbackTransaction = (connection: DatabaseConnection) => ownConnection(connection).rollback();

  async destroy(): Promise<void> {
    const pglite = await this.pglite;
    if (!pglite.closed) await pglite.close();
  }
}

/** Kysely hands a driver back only the connections it acquired from it. */
function ownConnection(connection: DatabaseConnection): PGliteConnection {
  if (!(connection instanceof PGliteConnection)) throw new Error('PGliteDriver: not one of its connections');
  return connection;
}

/** Kysely's migrator locks through its one connection, which it holds for the whole run. */
class PGliteAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

/** On an instance, or on one still being made (its module loads on first use: see database.ts). */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite | Promise<PGlite>) {}
  createAdapter = () => new PGliteAdapter();
  createDriver = () => new PGliteDriver(this.pglite);
  createIntrospector = (db: Kysely<unknown>) => new PostgresIntrospector(db);
  createQueryCompiler = () => new PostgresQueryCompiler();
}
