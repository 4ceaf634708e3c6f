import type { Db } from '../../src/db/database.js';

// The teams routes the tests call and the fields they answer with. Members, teams and products
// are inserted with ./organisations.js, so a test sets the scene in a few lines.

/** The member ids of a team, ascending: what a test compares after adding or removing users. */
export async function teamMemberIds(db: Db, teamId: number) {
  const rows = await db
    .selectFrom('team_members')
    .select('user_id')
    .where('team_id', '=', teamId)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

// HTTP calls of the teams tests, so each test reads as the request it makes.

export const teamsUrl = (accountId: number) => `/1/accounts/${accountId}/teams`;
export const teamUrl = (accountId: number, teamId: number) => `/1/accounts/${accountId}/teams/${teamId}`;
export const teamUsersUrl = (accountId: number, teamId: number) => `/1/accounts/${accountId}/teams/${teamId}/users`;

export const TEAM_FIELDS = [
  'color_id',
  'created_at',
  'created_by',
  'created_by_id',
  'id',
  'is_sso',
  'name',
  'owned_by',
  'owned_by_id',
  'permissions',
  'product_by_service_count',
  'product_count',
  'updated_at',
  'user_count',
];
export const SUMMARY_FIELDS = ['avatar', 'display_name', 'email', 'first_name', 'id', 'is_sso', 'last_name', 'type'];
export const TEAM_USER_FIELDS = [
  'display_name',
  'email',
  'first_name',
  'id',
  'is_sso',
  'last_login_at',
  'last_name',
  'teams',
];
export const TEAM_BRIEF_FIELDS = ['color_id', 'created_at', 'id', 'name', 'updated_at', 'user_count'];
