import type { Db } from '../../src/db/database.js';
import type { ProductRight, RoleType } from '../../src/db/types.js';
import { bearer, type buildTestApp } from '../helper.js';
import { createUser, type TestUser, type UserOverrides } from './users.js';

// Teams, members and products inserted directly, so a test sets the scene in a few lines and
// calls the API only for what it checks.

const now = () => Math.floor(Date.now() / 1000);
export const nowS = now;

/** A user (with an all-scope token and an organisation of their own) who also joins `accountId`. */
export async function addMember(db: Db, accountId: number, role: RoleType = 'normal', o: UserOverrides = {}): Promise<TestUser> {
  const user = await createUser(db, o);
  await db.insertInto('account_members').values({ account_id: accountId, user_id: user.id, role_type: role }).execute();
  return user;
}

export interface TeamOverrides {
  name?: string;
  color_id?: number;
  owned_by_id?: number | null;
  created_by_id?: number | null;
  members?: number[];
  permissions?: { service_id: number; rights: ProductRight }[];
  created_at?: number;
}

let seq = 0;

export async function addTeam(db: Db, accountId: number, o: TeamOverrides = {}) {
  const at = o.created_at ?? now();
  const team = await db
    .insertInto('teams')
    .values({
      account_id: accountId, name: o.name ?? `Team ${++seq}-${process.pid}`, color_id: o.color_id ?? 0,
      owned_by_id: o.owned_by_id ?? null, created_by_id: o.created_by_id ?? null, created_at: at, updated_at: at,
    })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  if (o.members?.length) await db.insertInto('team_members').values(o.members.map((user_id) => ({ team_id: team.id, user_id }))).execute();
  if (o.permissions?.length) await db.insertInto('team_permissions').values(o.permissions.map((p) => ({ team_id: team.id, ...p }))).execute();
  return team;
}

export async function addProduct(db: Db, accountId: number, service: { id: number; name: string }, o: { deleted?: boolean } = {}) {
  return db
    .insertInto('products')
    .values({
      account_id: accountId, service_id: service.id, service_name: service.name, customer_name: `${service.name} product`,
      internal_name: `${service.name}-${++seq}`, deleted_at: o.deleted ? now() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** The member ids of a team, ascending: what a test compares after adding or removing users. */
export async function teamMemberIds(db: Db, teamId: number) {
  const rows = await db.selectFrom('team_members').select('user_id').where('team_id', '=', teamId).orderBy('user_id').execute();
  return rows.map((r) => r.user_id);
}

// HTTP calls of the teams tests, so each test reads as the request it makes.

export type App = Awaited<ReturnType<typeof buildTestApp>>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export const call = (app: App, token: string | null, method: Method, url: string, payload?: unknown) =>
  app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload === undefined ? {} : { payload: payload as object }) });

export const teamsUrl = (accountId: number) => `/1/accounts/${accountId}/teams`;
export const teamUrl = (accountId: number, teamId: number) => `/1/accounts/${accountId}/teams/${teamId}`;
export const teamUsersUrl = (accountId: number, teamId: number) => `/1/accounts/${accountId}/teams/${teamId}/users`;

/** The attributes a 422 names, in order. */
export const failedAttributes = (body: { error: { errors?: { context: { attribute: string } }[] } }) =>
  (body.error.errors ?? []).map((e) => e.context.attribute);

export const TEAM_FIELDS = [
  'color_id', 'created_at', 'created_by', 'created_by_id', 'id', 'is_sso', 'name', 'owned_by', 'owned_by_id', 'permissions',
  'product_by_service_count', 'product_count', 'updated_at', 'user_count',
];
export const SUMMARY_FIELDS = ['avatar', 'display_name', 'email', 'first_name', 'id', 'is_sso', 'last_name', 'type'];
export const TEAM_USER_FIELDS = ['display_name', 'email', 'first_name', 'id', 'is_sso', 'last_login_at', 'last_name', 'teams'];
export const TEAM_BRIEF_FIELDS = ['color_id', 'created_at', 'id', 'name', 'updated_at', 'user_count'];
