import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { setClockOffset } from '../../shared/clock-store.js';

// Emptying the mirror: every table of data in one TRUNCATE (identities restarted, so a seed
// that follows gets the same ids every time), the clock back to real time. Kept: the price
// list (reference data), the server's own keys, and the migrations' bookkeeping.

/** Not data: reference data, the server's keys, the migrations' bookkeeping (snapshots leave them too). */
export const NOT_DATA = ['prices', 'mirror_secrets', 'kysely_migration', 'kysely_migration_lock'];
// The clock is set back rather than emptied.
const KEPT = new Set([...NOT_DATA, 'mirror_clock']);

export async function resetData(db: Db): Promise<{ tables: number }> {
  const { rows } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db);
  const tables = rows.map((r) => r.table_name).filter((n) => !KEPT.has(n)).sort();
  await sql`TRUNCATE TABLE ${sql.join(tables.map((n) => sql.table(n)))} RESTART IDENTITY CASCADE`.execute(db);
  await setClockOffset(db, 0);
  return { tables: tables.length };
}
