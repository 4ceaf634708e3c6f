import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

// The tables of current_schema() as a whole, for reset and snapshots: which there are, and
// emptying some of them at once.

/** Every base table of current_schema(), by name. */
export async function baseTables(db: Executor): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(
    db,
  );
  return rows.map((r) => r.table_name).sort();
}

/** Empties the tables in one TRUNCATE, identities restarted (what refers to them emptied too). */
export async function truncateTables(db: Executor, tables: string[]): Promise<void> {
  await sql`TRUNCATE TABLE ${sql.join(tables.map((n) => sql.table(n)))} RESTART IDENTITY CASCADE`.execute(db);
}
