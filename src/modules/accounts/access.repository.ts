import type { Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';

// The caller's membership row of an organisation: what every organisation route reads first.

const MEMBERSHIP_COLUMNS = ['account_id', 'user_id', 'role_type', 'has_billing_access'] as const;

const membership = (db: Executor, accountId: number, userId: number) =>
  db
    .selectFrom('account_members')
    .select(MEMBERSHIP_COLUMNS)
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId);

export function accessRepository(db: Executor) {
  return {
    membership: (accountId: number, userId: number) => membership(db, accountId, userId).executeTakeFirst(),
  };
}

/** The membership row locked (FOR UPDATE) until the transaction ends: its role cannot change meanwhile. */
export function accessLocks(trx: Transaction<Database>) {
  return {
    membership: (accountId: number, userId: number) =>
      membership(trx, accountId, userId).forUpdate().executeTakeFirst(),
  };
}
