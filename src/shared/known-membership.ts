import { AsyncLocalStorage } from 'node:async_hooks';
import type { RoleType } from '../db/types.js';

// The caller's membership of the organisation a read names, learnt with the token in the
// request's first statement, kept for the rest of the request: the access check then has
// nothing left to ask the database. Only reads carry one, and the changes whose route says
// they never change a membership (paying), so a request that changes one always reads it afresh.

export interface KnownMembership {
  accountId: number;
  userId: number;
  /** null: the caller is not a member. */
  member: { role_type: RoleType; has_billing_access: boolean } | null;
}

const storage = new AsyncLocalStorage<KnownMembership>();

/** Runs `fn` (and all it starts) knowing this membership. */
export const runKnowing = (known: KnownMembership, fn: () => void): void => storage.run(known, fn);

/** What the request knows of `userId`'s membership of `accountId`; undefined when it does not know. */
export function knownMembership(accountId: number, userId: number): KnownMembership | undefined {
  const known = storage.getStore();
  return known && known.accountId === accountId && known.userId === userId ? known : undefined;
}
