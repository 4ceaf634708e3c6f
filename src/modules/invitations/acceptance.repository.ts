import type { Executor } from '../../db/database.js';
import type { RoleType } from '../../db/types.js';

// What accepting an invitation writes: the person's account (for a newcomer), the membership
// and the teams. Always called inside the acceptance transaction.

export interface NewMembership {
  account_id: number;
  user_id: number;
  role_type: RoleType;
  has_billing_access: boolean;
  has_mailing: boolean;
  has_billing_mailing: boolean;
}

export function acceptanceRepository(db: Executor) {
  return {
    addMembership: (m: NewMembership) => db.insertInto('account_members').values(m).execute(),

    /** Joins the teams that still exist in the organisation (one may have been deleted since). */
    async joinTeams(accountId: number, userId: number, teamIds: number[]) {
      if (!teamIds.length) return;
      const teams = await db
        .selectFrom('teams')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', 'in', teamIds)
        .execute();
      if (!teams.length) return;
      await db
        .insertInto('team_members')
        .values(teams.map((t) => ({ team_id: t.id, user_id: userId })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    },

    setCurrentAccountIfNone: (userId: number, accountId: number) =>
      db
        .updateTable('users')
        .set({ current_account_id: accountId })
        .where('id', '=', userId)
        .where('current_account_id', 'is', null)
        .execute(),
  };
}
