import type { Db } from '../../db/database.js';
import { setClockOffset } from '../../db/clock.js';
import { tablesRepository } from './mirror.repository.js';

// Emptying the mirror: every table of data in one TRUNCATE (identities restarted, so a seed
// that follows gets the same ids every time), the clock back to real time. Kept: the price
// list (reference data), the server's own keys, and the migrations' bookkeeping.

/** Not data: reference data, the server's keys, the migrations' bookkeeping (snapshots leave them too). */
export const NOT_DATA = ['prices', 'mirror_secrets', 'kysely_migration', 'kysely_migration_lock'];
// The clock is set back rather than emptied.
const KEPT = new Set([...NOT_DATA, 'mirror_clock']);

export async function resetData(db: Db): Promise<{ tables: number }> {
  const repo = tablesRepository(db);
  const tables = (await repo.baseTables()).filter((n) => !KEPT.has(n));
  await repo.truncateTables(tables);
  await setClockOffset(db, 0);
  return { tables: tables.length };
}
