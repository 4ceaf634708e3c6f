import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';

// The SQL of snapshots: each is a schema of its own, `mirror_snapshot_<name>`, holding a copy
// of every table of data, where each id sequence stood, and its own bookkeeping. Plain SQL
// inside the database, so it works alike on Postgres and on the embedded PGlite.

const PREFIX = 'mirror_snapshot_';
/** The snapshot's own bookkeeping, beside the copies: no data table starts with `_`. */
const META = '_snapshot';
const SEQUENCES = '_snapshot_sequences';

export interface SnapshotMeta {
  tables: number;
  rows: number;
  created_at: number;
  migration: string;
}

export interface SavedSequence {
  table_name: string;
  column_name: string;
  last_value: number;
  is_called: boolean;
}

const schemaOf = (name: string) => PREFIX + name;
const copyOf = (name: string, table: string) => sql.id(schemaOf(name), table);
const rowsOf = async <R>(db: Executor, query: RawBuilder<R>) => (await query.execute(db)).rows;
/** A table of current_schema() named by a value, for the catalog functions that take a name. */
const regclass = (table: string) => sql`quote_ident(${table})::regclass`;

/** The columns a row can be written with: generated ones are computed again by the database. */
async function writableColumns(db: Executor, table: string): Promise<string[]> {
  const rows = await rowsOf(
    db,
    sql<{ name: string }>`
    SELECT attname AS name FROM pg_attribute
    WHERE attrelid = ${regclass(table)} AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
  );
  return rows.map((r) => r.name);
}

/** The sequences behind the tables' serial and identity columns. */
async function sequences(db: Executor, tables: string[]) {
  return rowsOf(
    db,
    sql<{ table_name: string; column_name: string; sequence: string }>`
    SELECT c.relname AS table_name, a.attname AS column_name, pg_get_serial_sequence(c.oid::regclass::text, a.attname) AS sequence
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(${tables}) AND a.attnum > 0 AND NOT a.attisdropped
      AND pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL`,
  );
}

/** The tables with triggers of their own (the kept counts' ones), foreign keys' aside. */
async function triggeredTables(db: Executor): Promise<string[]> {
  const rows = await rowsOf(
    db,
    sql<{ name: string }>`
    SELECT DISTINCT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace`,
  );
  return rows.map((r) => r.name);
}

export function snapshotReads(db: Executor) {
  return {
    /** The last migration run: a snapshot only fits the schema it was taken with. */
    async lastMigration(): Promise<string> {
      const [row] = await rowsOf(db, sql<{ name: string | null }>`SELECT max(name) AS name FROM kysely_migration`);
      return row?.name ?? '';
    },
    async foreignKeys() {
      return rowsOf(
        db,
        sql<{ child: string; parent: string }>`
        SELECT child.relname AS child, parent.relname AS parent FROM pg_constraint c
        JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
        WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
      );
    },
    triggeredTables: () => triggeredTables(db),
    /** The snapshot's bookkeeping; undefined when there is no snapshot of that name. */
    async snapshotMeta(name: string): Promise<SnapshotMeta | undefined> {
      const [exists] = await rowsOf(
        db,
        sql<{ ok: boolean }>`
        SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${schemaOf(name)} AND c.relname = ${META}) AS ok`,
      );
      if (!exists?.ok) return undefined;
      const [row] = await rowsOf(db, sql<SnapshotMeta>`SELECT * FROM ${copyOf(name, META)}`);
      return (
        row && {
          tables: Number(row.tables),
          rows: Number(row.rows),
          created_at: Number(row.created_at),
          migration: row.migration,
        }
      );
    },
    /** The names of the snapshot schemas there are, in order. */
    async snapshotNames(): Promise<string[]> {
      const rows = await rowsOf(
        db,
        sql<{ name: string }>`
        SELECT substr(nspname, ${PREFIX.length + 1}) AS name FROM pg_namespace WHERE starts_with(nspname, ${PREFIX}) ORDER BY nspname`,
      );
      return rows.map((r) => r.name);
    },
  };
}

/** The snapshot's schema and the locks around a save or a restore. */
function schemaWrites(trx: Transaction<Database>) {
  return {
    /** Save, restore and drop take turns: two saves of one name must not interleave their DROP and CREATE. */
    async lockSnapshots(): Promise<void> {
      await sql`SELECT pg_advisory_xact_lock(hashtext('ik-mirror snapshots'))`.execute(trx);
    },
    /** An empty schema for the snapshot, replacing whatever was saved under that name. */
    async recreateSnapshotSchema(name: string): Promise<void> {
      const schema = sql.id(schemaOf(name));
      await sql`DROP SCHEMA IF EXISTS ${schema} CASCADE`.execute(trx);
      await sql`CREATE SCHEMA ${schema}`.execute(trx);
    },
    async dropSnapshotSchema(name: string): Promise<void> {
      await sql`DROP SCHEMA ${sql.id(schemaOf(name))} CASCADE`.execute(trx);
    },
    /** Locks the tables against writes (reads go on) until the transaction ends: a copy of one moment. */
    async lockAgainstWrites(tables: string[]): Promise<void> {
      await sql`LOCK TABLE ${sql.join(tables.map((t) => sql.table(t)))} IN SHARE MODE`.execute(trx);
    },
  };
}

/** The rows, sequences and facts a snapshot saves and puts back. */
function copyWrites(trx: Transaction<Database>) {
  return {
    /** Copies the table into the snapshot; the number of rows copied. */
    async copyTable(name: string, table: string): Promise<number> {
      await sql`CREATE TABLE ${copyOf(name, table)} AS SELECT * FROM ${sql.table(table)}`.execute(trx);
      const [count] = await rowsOf(trx, sql<{ n: number }>`SELECT count(*)::int AS n FROM ${copyOf(name, table)}`);
      return Number(count?.n ?? 0);
    },
    /** Saves where the tables' id sequences stand. */
    async saveSequences(name: string, tables: string[]): Promise<void> {
      await sql`CREATE TABLE ${copyOf(name, SEQUENCES)} (table_name text, column_name text, last_value bigint, is_called boolean)`.execute(
        trx,
      );
      for (const s of await sequences(trx, tables)) {
        await sql`INSERT INTO ${copyOf(name, SEQUENCES)} SELECT ${s.table_name}, ${s.column_name}, last_value, is_called FROM ${sql.raw(s.sequence)}`.execute(
          trx,
        );
      }
    },
    async saveMeta(name: string, meta: SnapshotMeta): Promise<void> {
      await sql`CREATE TABLE ${copyOf(name, META)} (created_at bigint, migration text, tables integer, rows bigint)`.execute(
        trx,
      );
      await sql`INSERT INTO ${copyOf(name, META)} VALUES (${meta.created_at}, ${meta.migration}, ${meta.tables}, ${meta.rows})`.execute(
        trx,
      );
    },
    /** Writes the table's saved rows back into it. */
    async restoreTable(name: string, table: string): Promise<void> {
      const columns = sql.join((await writableColumns(trx, table)).map((c) => sql.id(c)));
      // OVERRIDING SYSTEM VALUE: the saved ids go in as they were, identity columns included.
      await sql`INSERT INTO ${sql.table(table)} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM ${copyOf(name, table)}`.execute(
        trx,
      );
    },
    /** Turns the tables' own triggers off or on again, until the transaction ends at most. */
    async setTriggers(tables: string[], on: boolean): Promise<void> {
      for (const t of tables)
        await sql`ALTER TABLE ${sql.table(t)} ${sql.raw(on ? 'ENABLE' : 'DISABLE')} TRIGGER USER`.execute(trx);
    },
    /** Sets each id sequence back where it stood. */
    async restoreSequences(name: string): Promise<void> {
      const saved = await rowsOf(trx, sql<SavedSequence>`SELECT * FROM ${copyOf(name, SEQUENCES)}`);
      for (const s of saved) {
        await sql`SELECT setval(pg_get_serial_sequence(${regclass(s.table_name)}::text, ${s.column_name}), ${s.last_value}, ${s.is_called})`.execute(
          trx,
        );
      }
    },
  };
}

/** What saving, restoring and dropping a snapshot write: only inside their transaction. */
export const snapshotWrites = (trx: Transaction<Database>) => ({ ...schemaWrites(trx), ...copyWrites(trx) });
