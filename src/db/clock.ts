import { sql, type Transaction } from 'kysely';
import type { Executor } from './database.js';
import type { Database } from './types.js';
import { adoptClockOffset, clockOffset } from '../shared/time.js';

// The clock's offset lives in the database so that every instance on it, and the database's
// own column defaults, agree on the time. Each instance reads it at start, before each
// renewal run, whenever it opens a sandbox, and whenever the control plane reads or moves it.
// It sits in the database layer because that layer (sandboxes.ts) syncs it too.

export async function syncClock(db: Executor): Promise<number> {
  const row = await db.selectFrom('mirror_clock').select('offset_seconds').executeTakeFirst();
  adoptClockOffset(Number(row?.offset_seconds ?? 0));
  return clockOffset();
}

export async function setClockOffset(db: Executor, seconds: number): Promise<void> {
  await db.updateTable('mirror_clock').set({ offset_seconds: seconds }).execute();
  adoptClockOffset(seconds);
}

/**
 * Sets the offset so that the transaction's now() reads `now`: now() is fixed for the whole
 * transaction, so every column default (mirror_now()) in it stamps exactly that time. The
 * instance takes the offset up with syncClock once the transaction has committed.
 */
export async function pinClockInTransaction(trx: Transaction<Database>, now: number): Promise<void> {
  await sql`UPDATE mirror_clock SET offset_seconds = ${now} - floor(EXTRACT(epoch FROM now()))::bigint`.execute(trx);
}
