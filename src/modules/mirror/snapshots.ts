import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { realNowSeconds } from '../../shared/time.js';
import { NOT_DATA } from './reset.js';

// Snapshots of the whole state: every table of data (the clock's offset included), and where
// each id sequence stands, copied into a schema of its own, `mirror_snapshot_<name>`. Plain
// SQL inside the database, so it works alike on Postgres and on the embedded PGlite, follows
// whichever database `db` routes to (a sandbox's), and outlives POST /_mirror/reset, which
// only empties current_schema(). The price list, the server's keys and the migrations'
// bookkeeping are not data: neither saved nor touched, as with reset.

export const SNAPSHOT_NAME = '^[a-z0-9][a-z0-9_-]{0,31}$';
const PREFIX = 'mirror_snapshot_';
/** The snapshot's own bookkeeping, beside the copies: no data table starts with `_`. */
const META = '_snapshot';
const SEQUENCES = '_snapshot_sequences';
/** Save, restore and drop take turns: two saves of one name must not interleave their DROP and CREATE. */
const LOCK = sql`SELECT pg_advisory_xact_lock(hashtext('ik-mirror snapshots'))`;

export interface SnapshotInfo {
  name: string;
  tables: number;
  rows: number;
  created_at: number;
}

const schemaOf = (name: string) => PREFIX + name;
const copyOf = (name: string, table: string) => sql.id(schemaOf(name), table);
const rowsOf = async <R>(db: Executor, query: RawBuilder<R>) => (await query.execute(db)).rows;
/** A table of current_schema() named by a value, for the catalog functions that take a name. */
const regclass = (table: string) => sql`quote_ident(${table})::regclass`;

/** reset.ts's tables of data, and the clock (which reset sets back rather than empties). */
async function snapshotTables(db: Executor): Promise<string[]> {
  const rows = await rowsOf(db, sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND NOT (table_name = ANY(${NOT_DATA}))`);
  return rows.map((r) => r.name).sort();
}

/** The last migration run: a snapshot only fits the schema it was taken with. */
async function migration(db: Executor): Promise<string> {
  const [row] = await rowsOf(db, sql<{ name: string | null }>`SELECT max(name) AS name FROM kysely_migration`);
  return row?.name ?? '';
}

/**
 * Parents before children, so each INSERT finds the rows its foreign keys point at. A table's
 * references to itself need no order: they are checked at the end of its one INSERT.
 */
export function parentsFirst(tables: string[], edges: { child: string; parent: string }[]): string[] {
  const waiting = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of edges) if (child !== parent && waiting.has(parent)) waiting.get(child)?.add(parent);
  const order: string[] = [];
  while (waiting.size) {
    const ready = [...waiting].filter(([, parents]) => parents.size === 0).map(([t]) => t).sort();
    if (!ready.length) throw new Error(`Foreign keys run in a circle between ${[...waiting.keys()].join(', ')}: these tables cannot be restored in an order`);
    for (const t of ready) {
      waiting.delete(t);
      order.push(t);
    }
    for (const parents of waiting.values()) for (const t of ready) parents.delete(t);
  }
  return order;
}

async function foreignKeys(db: Executor) {
  return rowsOf(db, sql<{ child: string; parent: string }>`
    SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c
    JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
    WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`);
}

/** The columns a row can be written with: generated ones are computed again by the database. */
async function writableColumns(db: Executor, table: string): Promise<string[]> {
  const rows = await rowsOf(db, sql<{ name: string }>`
    SELECT attname AS name FROM pg_attribute
    WHERE attrelid = ${regclass(table)} AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`);
  return rows.map((r) => r.name);
}

/** The sequences behind the tables' serial and identity columns. */
async function sequences(db: Executor, tables: string[]) {
  return rowsOf(db, sql<{ table_name: string; column_name: string; sequence: string }>`
    SELECT c.relname AS table_name, a.attname AS column_name, pg_get_serial_sequence(c.oid::regclass::text, a.attname) AS sequence
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(${tables}) AND a.attnum > 0 AND NOT a.attisdropped
      AND pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL`);
}

async function infoOf(db: Executor, name: string): Promise<(SnapshotInfo & { migration: string }) | undefined> {
  const [exists] = await rowsOf(db, sql<{ ok: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${schemaOf(name)} AND c.relname = ${META}) AS ok`);
  if (!exists?.ok) return undefined;
  const [row] = await rowsOf(db, sql<{ created_at: number; tables: number; rows: number; migration: string }>`SELECT * FROM ${copyOf(name, META)}`);
  return row && { name, tables: Number(row.tables), rows: Number(row.rows), created_at: Number(row.created_at), migration: row.migration };
}

const transaction = <T>(db: Db, fn: (trx: Transaction<Database>) => Promise<T>) =>
  db.transaction().execute(async (trx) => {
    await LOCK.execute(trx);
    return fn(trx);
  });

/**
 * Saves the state under `name`, replacing a snapshot of that name in the same transaction.
 * The tables are locked against writes (reads go on) for the copy: every table, and every
 * sequence, as of one moment, even while requests come in.
 */
export async function saveSnapshot(db: Db, name: string): Promise<SnapshotInfo> {
  return transaction(db, async (trx) => {
    const schema = sql.id(schemaOf(name));
    await sql`DROP SCHEMA IF EXISTS ${schema} CASCADE`.execute(trx);
    await sql`CREATE SCHEMA ${schema}`.execute(trx);
    const tables = await snapshotTables(trx);
    await sql`LOCK TABLE ${sql.join(tables.map((t) => sql.table(t)))} IN SHARE MODE`.execute(trx);
    let rows = 0;
    for (const t of tables) {
      await sql`CREATE TABLE ${copyOf(name, t)} AS SELECT * FROM ${sql.table(t)}`.execute(trx);
      const [count] = await rowsOf(trx, sql<{ n: number }>`SELECT count(*)::int AS n FROM ${copyOf(name, t)}`);
      rows += Number(count?.n ?? 0);
    }
    await sql`CREATE TABLE ${copyOf(name, SEQUENCES)} (table_name text, column_name text, last_value bigint, is_called boolean)`.execute(trx);
    for (const s of await sequences(trx, tables)) {
      await sql`INSERT INTO ${copyOf(name, SEQUENCES)} SELECT ${s.table_name}, ${s.column_name}, last_value, is_called FROM ${sql.raw(s.sequence)}`.execute(trx);
    }
    const info = { name, tables: tables.length, rows, created_at: realNowSeconds() };
    await sql`CREATE TABLE ${copyOf(name, META)} (created_at bigint, migration text, tables integer, rows bigint)`.execute(trx);
    await sql`INSERT INTO ${copyOf(name, META)} VALUES (${info.created_at}, ${await migration(trx)}, ${info.tables}, ${info.rows})`.execute(trx);
    return info;
  });
}

/** The snapshots, by name. */
export async function listSnapshots(db: Db): Promise<SnapshotInfo[]> {
  const schemas = await rowsOf(db, sql<{ name: string }>`
    SELECT substr(nspname, ${PREFIX.length + 1}) AS name FROM pg_namespace WHERE starts_with(nspname, ${PREFIX}) ORDER BY nspname`);
  const out: SnapshotInfo[] = [];
  for (const { name } of schemas) {
    const info = await infoOf(db, name);
    if (info) out.push({ name, tables: info.tables, rows: info.rows, created_at: info.created_at });
  }
  return out;
}

/**
 * Puts the state saved under `name` back, all of it or (on any failure) none of it: the
 * TRUNCATE's identity restart, and so the setval that follow it, roll back with the rest.
 * Undefined when there is no such snapshot. The caller syncs its clock afterwards.
 */
export async function restoreSnapshot(db: Db, name: string): Promise<SnapshotInfo | undefined> {
  return transaction(db, async (trx) => {
    const info = await infoOf(trx, name);
    if (!info) return undefined;
    const now = await migration(trx);
    if (info.migration !== now) {
      throw new AppError('conflict_error', `Snapshot ${name} was taken with the schema of migration ${info.migration}; the database is at ${now}`, { snapshot: name });
    }
    const tables = await snapshotTables(trx);
    await sql`TRUNCATE TABLE ${sql.join(tables.map((t) => sql.table(t)))} RESTART IDENTITY CASCADE`.execute(trx);
    for (const t of parentsFirst(tables, await foreignKeys(trx))) {
      const columns = sql.join((await writableColumns(trx, t)).map((c) => sql.id(c)));
      // OVERRIDING SYSTEM VALUE: the saved ids go in as they were, identity columns included.
      await sql`INSERT INTO ${sql.table(t)} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM ${copyOf(name, t)}`.execute(trx);
    }
    const saved = await rowsOf(trx, sql<{ table_name: string; column_name: string; last_value: number; is_called: boolean }>`SELECT * FROM ${copyOf(name, SEQUENCES)}`);
    for (const s of saved) {
      await sql`SELECT setval(pg_get_serial_sequence(${regclass(s.table_name)}::text, ${s.column_name}), ${s.last_value}, ${s.is_called})`.execute(trx);
    }
    return { name, tables: info.tables, rows: info.rows, created_at: info.created_at };
  });
}

/** Deletes the snapshot; false when there was none. */
export async function dropSnapshot(db: Db, name: string): Promise<boolean> {
  return transaction(db, async (trx) => {
    if (!(await infoOf(trx, name))) return false;
    await sql`DROP SCHEMA ${sql.id(schemaOf(name))} CASCADE`.execute(trx);
    return true;
  });
}
