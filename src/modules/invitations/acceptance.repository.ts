import type { Executor } from '../../db/database.js';
import type { RoleType } from '../../db/types.js';

// What accepting an invitation writes: the person's account (for a newcomer), the membership
// and the teams. Always called inside the acceptance transaction.

export interface NewPerson {
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  locale: string;
  language_id: number;
  current_account_id: number;
}

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
    async createPerson(p: NewPerson, now: number) {
      const user = await db.insertInto('users')
        .values({ ...p, login: p.email, password_changed_at: now, updated_at: now })
        .returning('id').executeTakeFirstOrThrow();
      // The address was proven by following the invitation sent to it.
      await db.insertInto('user_emails').values({ user_id: user.id, email: p.email, email_type: 'email', type: 'personal', checked: true }).execute();
      return user.id;
    },

    addMembership: (m: NewMembership) => db.insertInto('account_members').values(m).execute(),

    /** Joins the teams that still exist in the organisation (one may have been deleted since). */
    async joinTeams(accountId: number, userId: number, teamIds: number[]) {
      if (!teamIds.length) return;
      const teams = await db.selectFrom('teams').select('id').where('account_id', '=', accountId).where('id', 'in', teamIds).execute();
      if (!teams.length) return;
      await db.insertInto('team_members').values(teams.map((t) => ({ team_id: t.id, user_id: userId })))
        .onConflict((oc) => oc.doNothing()).execute();
    },

    setCurrentAccountIfNone: (userId: number, accountId: number) =>
      db.updateTable('users').set({ current_account_id: accountId }).where('id', '=', userId).where('current_account_id', 'is', null).execute(),
  };
}
