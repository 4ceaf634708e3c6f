import type { Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database, RoleType } from '../../db/types.js';
import { accessDenied, notFound } from '../../shared/errors.js';
import { knownMembership } from '../../shared/known-membership.js';
import { accessLocks, accessRepository } from './access.repository.js';

// Who may act on an organisation: its members, by role. Every organisation route of every
// module checks the caller through these.

export interface Membership {
  account_id: number;
  user_id: number;
  role_type: RoleType;
  has_billing_access: boolean;
}

const RANK: Record<RoleType, number> = { normal: 0, admin: 1, owner: 2 };

/** True when `role` is at least `min` (owner > admin > normal). */
export const atLeast = (role: RoleType, min: RoleType) => RANK[role] >= RANK[min];

/** Not being a member is a 404: an organisation one does not belong to is indistinguishable from one that does not exist. */
function found(m: Membership | undefined): Membership {
  if (!m) throw notFound('Account');
  return m;
}

/** The caller's membership of an organisation (404 for a non-member). */
export async function membershipOf(db: Executor, accountId: number, userId: number): Promise<Membership> {
  // A read knows it already: it was asked with the token (shared/known-membership.ts).
  const known = knownMembership(accountId, userId);
  if (known) return found(known.member ? { account_id: accountId, user_id: userId, ...known.member } : undefined);
  return found(await accessRepository(db).membership(accountId, userId));
}

/** The same, its row locked until the transaction ends, so the role read is the role acted on. */
export async function lockedMembershipOf(
  trx: Transaction<Database>,
  accountId: number,
  userId: number,
): Promise<Membership> {
  return found(await accessLocks(trx).membership(accountId, userId));
}

/** Refuses (403) a member whose role is below `min`. */
export function requireRole(m: Membership, min: RoleType, action: string): void {
  if (!atLeast(m.role_type, min))
    throw accessDenied(`Only ${min === 'owner' ? 'an owner' : 'an administrator or owner'} may ${action}`, {
      required_role: min,
    });
}

/** Membership, then role: the usual guard of an organisation route. */
export async function requireMember(db: Executor, accountId: number, userId: number, min: RoleType, action: string) {
  const m = await membershipOf(db, accountId, userId);
  requireRole(m, min, action);
  return m;
}

/**
 * A member who may see and handle billing: an owner, an admin, or a normal member with
 * `has_billing_access`. Others get 403; non-members 404.
 */
export async function requireBilling(db: Executor, accountId: number, userId: number): Promise<Membership> {
  const m = await membershipOf(db, accountId, userId);
  if (m.role_type === 'normal' && !m.has_billing_access) {
    throw accessDenied('Billing is reserved to owners, administrators and members with billing access', {
      required: 'has_billing_access',
    });
  }
  return m;
}
