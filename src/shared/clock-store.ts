import type { Executor } from '../db/database.js';
import { adoptClockOffset, clockOffset, nowSeconds, realNowSeconds } from './time.js';

// The clock's offset lives in the database so that every instance on it, and the database's
// own column defaults, agree on the time. Each instance reads it at start, before each
// renewal run, and whenever the control plane reads or moves it.

export async function syncClock(db: Executor): Promise<number> {
  const row = await db.selectFrom('mirror_clock').select('offset_seconds').executeTakeFirst();
  adoptClockOffset(Number(row?.offset_seconds ?? 0));
  return clockOffset();
}

export async function setClockOffset(db: Executor, seconds: number): Promise<void> {
  await db.updateTable('mirror_clock').set({ offset_seconds: seconds }).execute();
  adoptClockOffset(seconds);
}

export const clockState = () => ({ now: nowSeconds(), real_now: realNowSeconds(), offset_seconds: clockOffset() });
