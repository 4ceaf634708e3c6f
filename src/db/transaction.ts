import type { Transaction } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './types.js';

/** Thrown out of a dry run's transaction so that Kysely rolls it back. */
class DryRunRollback extends Error {
  override name = 'DryRunRollback';
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
  let dryRunResult: { value: T } | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      const value = await fn(trx);
      if (!dryRun) return value;
      dryRunResult = { value };
      throw new DryRunRollback('a dry run: rolled back');
    });
  } catch (err) {
    if (err instanceof DryRunRollback && dryRunResult) return dryRunResult.value;
    throw err;
  }
}
