import type { RoleType } from '../../db/types.js';
import { AppError, fieldError } from '../../shared/errors.js';
import { atLeast, type Membership } from '../accounts/index.js';
import type { MemberState } from './membership.repository.js';

// Who may change whose membership. Pure functions over the state read under the organisation's
// lock; every refusal carries a specific `context.reason`.

export type Reason =
  'admin_role_required' | 'owner_role_required' | 'cannot_raise_own_role' | 'last_owner' | 'last_member';

const DESCRIPTIONS: Record<Reason, string> = {
  admin_role_required:
    "Only an administrator or an owner may change members' roles, rights or teams, or remove members",
  owner_role_required: 'Only an owner may grant, withdraw or hand over the owner role, or remove an owner',
  cannot_raise_own_role: 'Nobody can raise their own role',
  last_owner:
    'An organisation keeps at least one owner (legal responsible): hand the role over to another member first',
  last_member: 'The last member of an organisation cannot leave it',
};

export const denied = (reason: Reason) => new AppError('access_denied', DESCRIPTIONS[reason], { reason });

/** A refusal due to the organisation's state rather than the caller's rights. */
export const refused = (reason: Reason, attribute: string) =>
  new AppError('validation_failed', DESCRIPTIONS[reason], { reason }, [
    fieldError(attribute, reason, DESCRIPTIONS[reason]),
  ]);

export interface Counts {
  members: number;
  owners: number;
}

export interface PatchIntent {
  role_type?: RoleType;
  has_billing_access?: boolean;
  permissions?: unknown[];
  team_ids?: number[];
}

const RIGHTS_FIELDS = ['role_type', 'has_billing_access', 'permissions', 'team_ids'] as const;

/** May `caller` apply `patch` to `target`, and does the organisation keep an owner after it? */
export function checkPatch(caller: Membership, target: MemberState, patch: PatchIntent, counts: Counts): void {
  const self = caller.user_id === target.user_id;
  const role = patch.role_type;
  const changesRole = role !== undefined && role !== target.role_type;
  if (self && changesRole && atLeast(role, target.role_type)) throw denied('cannot_raise_own_role');
  if (caller.role_type === 'normal') {
    // A normal member may only set their own mailing preferences.
    if (!self || RIGHTS_FIELDS.some((f) => patch[f] !== undefined)) throw denied('admin_role_required');
    return;
  }
  if (changesRole && caller.role_type !== 'owner' && (role === 'owner' || target.role_type === 'owner'))
    throw denied('owner_role_required');
  if (changesRole && target.role_type === 'owner' && counts.owners <= 1) throw refused('last_owner', 'role_type');
}

/** May `caller` remove `targets` (all at once), and does the organisation stay valid after? */
export function checkRemoval(caller: Membership, targets: MemberState[], counts: Counts, attribute: string): void {
  if (caller.role_type === 'normal') throw denied('admin_role_required');
  if (caller.role_type !== 'owner' && targets.some((t) => t.role_type === 'owner')) throw denied('owner_role_required');
  checkRemaining(targets, counts, attribute);
}

/** The last member cannot go, nor the last owner. */
export function checkRemaining(leaving: Pick<MemberState, 'role_type'>[], counts: Counts, attribute: string): void {
  if (counts.members - leaving.length < 1) throw refused('last_member', attribute);
  if (counts.owners - leaving.filter((m) => m.role_type === 'owner').length < 1) throw refused('last_owner', attribute);
}

/** Handing over the legal responsibility: only an owner does it. */
export function checkHandOver(caller: Membership): void {
  if (caller.role_type !== 'owner') throw denied('owner_role_required');
}
