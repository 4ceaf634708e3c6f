import type { Transaction } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import { syncClock } from '../../db/clock.js';
import { AppError, notFound } from '../../shared/errors.js';
import { realNowSeconds } from '../../shared/time.js';
import { tablesRepository } from './mirror.repository.js';
import { NOT_DATA } from './reset.js';
import { snapshotReads, snapshotWrites } from './snapshots.repository.js';

// Snapshots of the whole state: every table of data (the clock's offset included), and where
// each id sequence stands, copied into a schema of its own (snapshots.repository.ts). The
// copies follow whichever database `db` routes to (a sandbox's), and outlive
// POST /_mirror/reset, which only empties current_schema(). The price list, the server's keys
// and the migrations' bookkeeping are not data: neither saved nor touched, as with reset.

export const SNAPSHOT_NAME = '^[a-z0-9][a-z0-9_-]{0,31}$';

export interface SnapshotInfo {
  name: string;
  tables: number;
  rows: number;
  created_at: number;
}

/** reset.ts's tables of data, and the clock (which reset sets back rather than empties). */
const snapshotTables = async (db: Executor) =>
  (await tablesRepository(db).baseTables()).filter((t) => !NOT_DATA.includes(t));

/**
 * Parents before children, so each INSERT finds the rows its foreign keys point at. A table's
 * references to itself need no order: they are checked at the end of its one INSERT.
 */
export function parentsFirst(tables: string[], edges: { child: string; parent: string }[]): string[] {
  const waiting = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of edges) if (child !== parent && waiting.has(parent)) waiting.get(child)?.add(parent);
  const order: string[] = [];
  while (waiting.size) {
    const ready = [...waiting]
      .filter(([, parents]) => parents.size === 0)
      .map(([t]) => t)
      .sort();
    if (!ready.length)
      throw new Error(
        `Foreign keys run in a circle between ${[...waiting.keys()].join(', ')}: these tables cannot be restored in an order`,
      );
    for (const t of ready) {
      waiting.delete(t);
      order.push(t);
    }
    for (const parents of waiting.values()) for (const t of ready) parents.delete(t);
  }
  return order;
}

/** Save, restore and drop each run in a transaction of their own, taking turns. */
const transaction = <T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>) =>
  db.transaction().execute(async (trx) => {
    await snapshotWrites(trx).lockSnapshots();
    return fn(trx);
  });

/**
 * Saves the state under `name`, replacing a snapshot of that name in the same transaction.
 * The tables are locked against writes (reads go on) for the copy: every table, and every
 * sequence, as of one moment, even while requests come in.
 */
export async function saveSnapshot(db: Db, name: string): Promise<SnapshotInfo> {
  return transaction(db, async (trx) => {
    const writes = snapshotWrites(trx);
    await writes.recreateSnapshotSchema(name);
    const tables = await snapshotTables(trx);
    await writes.lockAgainstWrites(tables);
    let rows = 0;
    for (const t of tables) rows += await writes.copyTable(name, t);
    await writes.saveSequences(name, tables);
    const info = { name, tables: tables.length, rows, created_at: realNowSeconds() };
    await writes.saveMeta(name, {
      tables: info.tables,
      rows,
      created_at: info.created_at,
      migration: await snapshotReads(trx).lastMigration(),
    });
    return info;
  });
}

/** The snapshots, by name. */
export async function listSnapshots(db: Db): Promise<SnapshotInfo[]> {
  const out: SnapshotInfo[] = [];
  const reads = snapshotReads(db);
  for (const name of await reads.snapshotNames()) {
    const meta = await reads.snapshotMeta(name);
    if (meta) out.push({ name, tables: meta.tables, rows: meta.rows, created_at: meta.created_at });
  }
  return out;
}

/**
 * Puts the state saved under `name` back, all of it or (on any failure) none of it: the
 * TRUNCATE's identity restart, and so the setval that follow it, roll back with the rest.
 * A 404 when there is no such snapshot. The clock's offset came back with the data: this
 * instance takes it up at once.
 */
export async function restoreSnapshot(db: Db, name: string): Promise<SnapshotInfo> {
  const restored = await transaction(db, async (trx) => {
    const reads = snapshotReads(trx);
    const writes = snapshotWrites(trx);
    const meta = await reads.snapshotMeta(name);
    if (!meta) return undefined;
    const now = await reads.lastMigration();
    if (meta.migration !== now) {
      throw new AppError(
        'conflict_error',
        `Snapshot ${name} was taken with the schema of migration ${meta.migration}; the database is at ${now}`,
        { snapshot: name },
      );
    }
    const tables = await snapshotTables(trx);
    await tablesRepository(trx).truncateTables(tables);
    // The rows go back as saved, the counts the triggers keep from them included: with the
    // triggers on, the inserts would count the rows a second time.
    const triggered = await reads.triggeredTables();
    await writes.setTriggers(triggered, false);
    for (const t of parentsFirst(tables, await reads.foreignKeys())) await writes.restoreTable(name, t);
    await writes.setTriggers(triggered, true);
    await writes.restoreSequences(name);
    return { name, tables: meta.tables, rows: meta.rows, created_at: meta.created_at };
  });
  if (!restored) throw notFound('Snapshot');
  await syncClock(db);
  return restored;
}

/** Deletes the snapshot; a 404 when there was none. */
export async function dropSnapshot(db: Db, name: string): Promise<void> {
  const dropped = await transaction(db, async (trx) => {
    if (!(await snapshotReads(trx).snapshotMeta(name))) return false;
    await snapshotWrites(trx).dropSnapshotSchema(name);
    return true;
  });
  if (!dropped) throw notFound('Snapshot');
}
