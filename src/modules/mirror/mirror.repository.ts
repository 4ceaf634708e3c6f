import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

// The tables of current_schema() as a whole, for reset and snapshots: which there are, and
// emptying some of them at once.

export function tablesRepository(db: Executor) {
  return {
    /** Every base table of current_schema(), by name. */
    async baseTables(): Promise<string[]> {
      const { rows } = await sql<{ table_name: string }>`
        SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(
        db,
      );
      return rows.map((r) => r.table_name).sort();
    },
    /** Empties the tables in one TRUNCATE, identities restarted (what refers to them emptied too). */
    async truncateTables(tables: string[]): Promise<void> {
      await sql`TRUNCATE TABLE ${sql.join(tables.map((n) => sql.table(n)))} RESTART IDENTITY CASCADE`.execute(db);
    },
  };
}
