import type { Transaction } from 'kysely';
import type { Database, RoleType } from '../../db/types.js';

// The writes of membership changes. Every function takes the transaction that holds the
// organisation's row lock (see lockOrganisation), so the counts it reads are the ones it acts on.

export interface MemberState {
  user_id: number;
  role_type: RoleType;
  has_billing_access: boolean;
  email: string;
  first_name: string;
  last_name: string;
}

export interface MemberChanges {
  role_type?: RoleType;
  has_billing_access?: boolean;
  has_mailing?: boolean;
  has_billing_mailing?: boolean;
}

/** The organisation's lock and its membership rows. */
function membershipRows(trx: Transaction<Database>) {
  return {
    /**
     * Serialises every membership change of one organisation; returns its name. NO KEY UPDATE
     * conflicts with itself but not with the key-share locks that inserting rows which refer
     * to the organisation takes, so other modules never wait on (or deadlock with) it.
     */
    lockOrganisation: (accountId: number) =>
      trx.selectFrom('accounts').select(['id', 'name']).where('id', '=', accountId).forNoKeyUpdate().executeTakeFirst(),

    /** The members among `userIds`, with what notifications need. */
    members(accountId: number, userIds: number[]): Promise<MemberState[]> {
      if (!userIds.length) return Promise.resolve([]);
      return trx
        .selectFrom('account_members as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.user_id', 'm.role_type', 'm.has_billing_access', 'u.email', 'u.first_name', 'u.last_name'])
        .where('m.account_id', '=', accountId)
        .where('m.user_id', 'in', userIds)
        .execute();
    },

    async counts(accountId: number) {
      const row = await trx
        .selectFrom('account_members')
        .select((eb) => [
          eb.fn.countAll<number>().as('members'),
          eb.fn.count<number>('user_id').filterWhere('role_type', '=', 'owner').as('owners'),
        ])
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      return { members: Number(row.members), owners: Number(row.owners) };
    },

    update(accountId: number, userId: number, changes: MemberChanges, now: number) {
      return trx
        .updateTable('account_members')
        .set({ ...changes, updated_at: now })
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .execute();
    },
  };
}

/** A member's teams in the organisation. */
function memberTeams(trx: Transaction<Database>) {
  return {
    /** The organisation's teams among `teamIds`. */
    async existingTeams(accountId: number, teamIds: number[]) {
      if (!teamIds.length) return [];
      const rows = await trx
        .selectFrom('teams')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', 'in', teamIds)
        .execute();
      return rows.map((r) => r.id);
    },

    /** Makes the user's teams in this organisation exactly `teamIds` (already checked). */
    async replaceTeams(accountId: number, userId: number, teamIds: number[]) {
      let del = trx
        .deleteFrom('team_members')
        .where('user_id', '=', userId)
        .where('team_id', 'in', (eb) => eb.selectFrom('teams').select('id').where('account_id', '=', accountId));
      if (teamIds.length) del = del.where('team_id', 'not in', teamIds);
      await del.execute();
      if (!teamIds.length) return;
      await trx
        .insertInto('team_members')
        .values(teamIds.map((team_id) => ({ team_id, user_id: userId })))
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
        .execute();
    },
  };
}

/** Ending a membership. */
function membershipEnd(trx: Transaction<Database>) {
  return {
    /**
     * Ends a membership: the row, the user's teams of this organisation, and — if it was their
     * current organisation — points them at another one they belong to, or at none.
     */
    async remove(accountId: number, userId: number) {
      await trx
        .deleteFrom('team_members')
        .where('user_id', '=', userId)
        .where('team_id', 'in', (eb) => eb.selectFrom('teams').select('id').where('account_id', '=', accountId))
        .execute();
      await trx
        .deleteFrom('account_members')
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .execute();
      await trx
        .updateTable('users')
        .set((eb) => ({
          current_account_id: eb
            .selectFrom('account_members')
            .select('account_id')
            .where('user_id', '=', userId)
            .orderBy('account_id')
            .limit(1),
        }))
        .where('id', '=', userId)
        .where('current_account_id', '=', accountId)
        .execute();
    },
  };
}

export function membershipRepository(trx: Transaction<Database>) {
  return { ...membershipRows(trx), ...memberTeams(trx), ...membershipEnd(trx) };
}
