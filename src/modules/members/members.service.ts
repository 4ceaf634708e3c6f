import type { Transaction } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import type { Database, RoleType } from '../../db/types.js';
import { AppError, invalidField, notFound } from '../../shared/errors.js';
import { outbox } from '../outbox/index.js';
import type { ListParams } from '../../shared/pagination.js';
import type { UserRow } from '../../shared/principal.js';
import { nowSeconds } from '../../shared/time.js';
import { displayName } from '../../shared/user-summary.js';
import { membershipOf, type Membership } from '../accounts/index.js';
import { applyProductPermissions, revokeProductRights, type Permission } from '../products/index.js';
import {
  membersRepository,
  type ListFilter,
  type MemberSortField,
  type UserOrPendingRow,
} from './members.repository.js';
import { presentAccountUser, type AccountUser } from './members.presenter.js';
import { loadRelated } from './members.relations.js';
import { checkHandOver, checkPatch, checkRemaining, checkRemoval } from './members.rules.js';
import type { MemberRelation } from './members.schemas.js';
import { membershipRepository, type MemberState } from './membership.repository.js';

export interface PatchInput {
  role_type?: RoleType;
  has_billing_access?: boolean;
  has_mailing?: boolean;
  has_billing_mailing?: boolean;
  permissions?: Permission[];
  team_ids?: number[];
}

/** Locks the organisation, then reads the caller's membership as it now stands. */
async function lockAsMember(trx: Transaction<Database>, accountId: number, userId: number) {
  await membershipOf(trx, accountId, userId); // 404 before taking any lock for a non-member
  const org = await membershipRepository(trx).lockOrganisation(accountId);
  if (!org) throw notFound('Account');
  const caller = await membershipOf(trx, accountId, userId);
  return { org, caller };
}

async function targetOf(trx: Transaction<Database>, accountId: number, userId: number): Promise<MemberState> {
  const [target] = await membershipRepository(trx).members(accountId, [userId]);
  if (!target) throw notFound('User');
  return target;
}

async function present(
  ex: Executor,
  publicUrl: string,
  accountId: number,
  row: UserOrPendingRow,
  wanted: Set<MemberRelation>,
): Promise<AccountUser> {
  return presentAccountUser(publicUrl, row, await loadRelated(ex, accountId, [row], wanted));
}

async function memberItem(
  ex: Executor,
  publicUrl: string,
  accountId: number,
  userId: number,
  wanted: Set<MemberRelation>,
) {
  const row = await membersRepository(ex).findMember(accountId, userId);
  if (!row) throw notFound('User');
  return present(ex, publicUrl, accountId, row, wanted);
}

/** Removes memberships already checked, with the rights and teams they carried. */
async function removeAll(trx: Transaction<Database>, accountId: number, userIds: number[]) {
  const repo = membershipRepository(trx);
  for (const id of userIds) {
    await revokeProductRights(trx, accountId, id);
    await repo.remove(accountId, id);
  }
}

async function updateIn(
  trx: Transaction<Database>,
  publicUrl: string,
  caller: UserRow,
  accountId: number,
  userId: number,
  input: PatchInput,
) {
  const { org, caller: me } = await lockAsMember(trx, accountId, caller.id);
  const repo = membershipRepository(trx);
  const target = await targetOf(trx, accountId, userId);
  checkPatch(me, target, input, await repo.counts(accountId));
  if (input.team_ids) {
    const known = new Set(await repo.existingTeams(accountId, input.team_ids));
    const unknown = input.team_ids.filter((id) => !known.has(id));
    if (unknown.length)
      throw invalidField('team_ids', 'exists', `No such team in the organisation: ${unknown.join(', ')}`, unknown);
  }
  if (input.permissions) await applyProductPermissions(trx, accountId, userId, input.permissions, true);
  if (input.team_ids) await repo.replaceTeams(accountId, userId, input.team_ids);
  const { role_type, has_billing_access, has_mailing, has_billing_mailing } = input;
  await repo.update(
    accountId,
    userId,
    { role_type, has_billing_access, has_mailing, has_billing_mailing },
    nowSeconds(),
  );
  if (role_type !== undefined && role_type !== target.role_type) {
    await notifyRoleChange(trx, org, caller, target, role_type, has_billing_access);
  }
  return memberItem(trx, publicUrl, accountId, userId, new Set(['teams', 'permissions']));
}

async function handOverIn(
  trx: Transaction<Database>,
  caller: UserRow,
  accountId: number,
  userId: number,
  previousRole: 'admin' | 'normal',
) {
  const { org, caller: me } = await lockAsMember(trx, accountId, caller.id);
  checkHandOver(me);
  if (userId === me.user_id) throw invalidField('user_id', 'different', 'Hand the role over to another member');
  const target = await targetOf(trx, accountId, userId);
  const repo = membershipRepository(trx);
  const now = nowSeconds();
  await repo.update(accountId, userId, { role_type: 'owner' }, now);
  await repo.update(accountId, me.user_id, { role_type: previousRole }, now);
  await notifyHandOver(trx, org, caller, me, target, previousRole);
}

/** Removes the members `ids` (no duplicates), all or none: an unknown one is a 404 naming them. */
async function removeIn(
  trx: Transaction<Database>,
  caller: UserRow,
  accountId: number,
  ids: number[],
  attribute: string,
): Promise<true> {
  const { caller: me } = await lockAsMember(trx, accountId, caller.id);
  const repo = membershipRepository(trx);
  const targets = await repo.members(accountId, ids);
  if (targets.length !== ids.length) {
    const found = new Set(targets.map((t) => t.user_id));
    throw new AppError('object_not_found', 'User not found', { user_ids: ids.filter((id) => !found.has(id)) });
  }
  checkRemoval(me, targets, await repo.counts(accountId), attribute);
  await removeAll(trx, accountId, ids);
  return true;
}

export function membersService(db: Db, publicUrl: () => string) {
  return {
    /** Any member lists the organisation's members and pending invitees. */
    async list(
      caller: UserRow,
      accountId: number,
      filter: ListFilter,
      params: ListParams<MemberSortField>,
      wanted: Set<MemberRelation>,
    ) {
      await membershipOf(db, accountId, caller.id);
      const { items: rows, total } = await membersRepository(db).list(accountId, filter, nowSeconds(), params);
      const rel = await loadRelated(db, accountId, rows, wanted);
      return { items: rows.map((r) => presentAccountUser(publicUrl(), r, rel)), total };
    },

    async get(caller: UserRow, accountId: number, userId: number, wanted: Set<MemberRelation>) {
      await membershipOf(db, accountId, caller.id);
      return memberItem(db, publicUrl(), accountId, userId, wanted);
    },

    update(caller: UserRow, accountId: number, userId: number, input: PatchInput): Promise<AccountUser> {
      return inTransaction(db, (trx) => updateIn(trx, publicUrl(), caller, accountId, userId, input));
    },

    /** Removes one or several members, all or none. */
    remove(caller: UserRow, accountId: number, userIds: number[], attribute: string): Promise<true> {
      const ids = [...new Set(userIds)];
      return inTransaction(db, (trx) => removeIn(trx, caller, accountId, ids, attribute));
    },

    /** The caller leaves by themselves; any role may, unless they are the last member or owner. */
    leave(caller: UserRow, accountId: number): Promise<true> {
      return inTransaction(db, async (trx) => {
        const { caller: me } = await lockAsMember(trx, accountId, caller.id);
        checkRemaining([me], await membershipRepository(trx).counts(accountId), 'account');
        await removeAll(trx, accountId, [me.user_id]);
        return true as const;
      });
    },

    /** An owner hands the legal responsibility to a member and keeps `previousRole`. */
    async handOver(
      caller: UserRow,
      accountId: number,
      userId: number,
      previousRole: 'admin' | 'normal',
    ): Promise<true> {
      await inTransaction(db, (trx) => handOverIn(trx, caller, accountId, userId, previousRole));
      return true;
    },
  };
}

type Org = { id: number; name: string };

function notifyRoleChange(
  trx: Executor,
  org: Org,
  by: UserRow,
  target: MemberState,
  role: RoleType,
  billing?: boolean,
) {
  const lines = [
    `${displayName(by)} changed your role in the organisation "${org.name}".`,
    `Role: ${target.role_type} → ${role}`,
    ...(billing !== undefined && billing !== target.has_billing_access
      ? [`Billing access: ${billing ? 'granted' : 'withdrawn'}`]
      : []),
  ];
  return outbox(trx).notify({
    recipient: target.email,
    user_id: target.user_id,
    account_id: org.id,
    kind: 'account_role_changed',
    subject: `Your role in ${org.name} is now ${role}`,
    body: lines.join('\n'),
  });
}

async function notifyHandOver(
  trx: Executor,
  org: Org,
  by: UserRow,
  me: Membership,
  target: MemberState,
  previousRole: RoleType,
) {
  await outbox(trx).notify({
    recipient: target.email,
    user_id: target.user_id,
    account_id: org.id,
    kind: 'legal_responsible_changed',
    subject: `You are now the legal responsible of ${org.name}`,
    body: `${displayName(by)} handed the legal responsibility of "${org.name}" over to you.\nRole: ${target.role_type} → owner`,
  });
  await outbox(trx).notify({
    recipient: by.email,
    user_id: me.user_id,
    account_id: org.id,
    kind: 'legal_responsible_changed',
    subject: `You handed over the legal responsibility of ${org.name}`,
    body: `${displayName(target)} is now the legal responsible of "${org.name}".\nYour role: owner → ${previousRole}`,
  });
}
