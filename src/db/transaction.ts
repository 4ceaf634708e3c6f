import type { Transaction } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './types.js';

class Rollback<T> {
  constructor(readonly value: T) {}
}

/**
 * Runs `fn` in one transaction. With `dryRun`, everything is checked and written exactly as
 * for real (constraints, locks), then rolled back: the caller gets what the result would be.
 */
export async function inTransaction<T>(
  db: Db,
  fn: (trx: Transaction<Database>) => Promise<T>,
  dryRun = false,
): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      const value = await fn(trx);
      if (dryRun) throw new Rollback(value);
      return value;
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    throw err;
  }
}
