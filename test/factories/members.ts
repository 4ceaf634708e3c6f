import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import type { RoleType } from '../../src/db/types.js';
import { serviceByName } from '../../src/modules/products/services.js';
import { bearer, type buildTestApp } from '../helper.js';
import { createUser, type TestUser, type UserOverrides } from './users.js';

// Organisations with several members, teams, products and pending invitations, written
// directly: the tests of the members routes need them before those of other modules exist.

const now = () => Math.floor(Date.now() / 1000);

export interface Member extends TestUser {
  role: RoleType;
}

/** A new user (with an organisation of their own) who also joins `accountId` with `role`. */
export async function addMember(db: Db, accountId: number, role: RoleType, o: UserOverrides & { has_billing_access?: boolean } = {}): Promise<Member> {
  const { has_billing_access, ...userOverrides } = o;
  const user = await createUser(db, userOverrides);
  await db.insertInto('account_members')
    .values({ account_id: accountId, user_id: user.id, role_type: role, has_billing_access: has_billing_access ?? role !== 'normal' })
    .execute();
  return { ...user, role };
}

export interface Org {
  id: number;
  owner: Member;
  admin: Member;
  normal: Member;
}

/** An organisation whose owner created it, with one admin and one normal member. */
export async function createOrg(db: Db): Promise<Org> {
  const founder = await createUser(db);
  const owner = { ...founder, role: 'owner' as const };
  const [admin, normal] = [await addMember(db, founder.accountId, 'admin'), await addMember(db, founder.accountId, 'normal')];
  return { id: founder.accountId, owner, admin, normal };
}

export async function addTeam(db: Db, accountId: number, name: string, memberIds: number[] = []) {
  const team = await db.insertInto('teams').values({ account_id: accountId, name, color_id: 3 }).returning('id').executeTakeFirstOrThrow();
  if (memberIds.length) await db.insertInto('team_members').values(memberIds.map((user_id) => ({ team_id: team.id, user_id }))).execute();
  return team.id;
}

export async function addProduct(db: Db, accountId: number, serviceName = 'domain', customerName = `p-${randomBytes(3).toString('hex')}`) {
  const service = serviceByName(serviceName)!;
  const row = await db.insertInto('products')
    .values({ account_id: accountId, service_id: service.id, service_name: service.name, customer_name: customerName, internal_name: customerName })
    .returning('id').executeTakeFirstOrThrow();
  return { id: row.id, service_id: service.id };
}

export async function grantRight(db: Db, productId: number, userId: number, rights: Partial<Record<'technical' | 'statistic' | 'check' | 'sale', boolean>>) {
  await db.insertInto('product_rights').values({ product_id: productId, user_id: userId, ...rights }).execute();
}

export interface InvitationOverrides {
  email?: string;
  first_name?: string;
  last_name?: string;
  role_type?: RoleType;
  status?: 'pending' | 'accepted' | 'rejected' | 'cancelled';
  expired_at?: number;
  has_billing?: boolean;
  team_ids?: number[];
  permissions?: { service_id: number; product_id?: number; apply_to_all?: boolean; types: ('technical' | 'statistic' | 'check' | 'sale')[] }[];
}

/** An invitation row as the invitations module would store it. */
export async function addInvitation(db: Db, accountId: number, o: InvitationOverrides = {}) {
  const email = o.email ?? `invitee-${randomBytes(4).toString('hex')}@example.test`;
  const row = await db.insertInto('invitations')
    .values({
      account_id: accountId, key_hash: randomBytes(32).toString('hex'), email, first_name: o.first_name ?? 'Grace',
      last_name: o.last_name ?? 'Hopper', locale: 'fr_FR', language_id: 2, role_type: o.role_type ?? 'normal',
      status: o.status ?? 'pending', expired_at: o.expired_at ?? now() + 7 * 86_400, has_billing: o.has_billing ?? false,
      team_ids: o.team_ids ?? [], permissions: sql<string>`${JSON.stringify(o.permissions ?? [])}::jsonb`,
    })
    .returning('id').executeTakeFirstOrThrow();
  return { id: row.id, email };
}

export async function roleOf(db: Db, accountId: number, userId: number) {
  const row = await db.selectFrom('account_members').select('role_type').where('account_id', '=', accountId).where('user_id', '=', userId).executeTakeFirst();
  return row?.role_type;
}

export async function ownerCount(db: Db, accountId: number) {
  const rows = await db.selectFrom('account_members').select('user_id').where('account_id', '=', accountId).where('role_type', '=', 'owner').execute();
  return rows.length;
}

export async function memberIds(db: Db, accountId: number) {
  const rows = await db.selectFrom('account_members').select('user_id').where('account_id', '=', accountId).orderBy('user_id').execute();
  return rows.map((r) => r.user_id);
}

export function outbox(db: Db, userId: number) {
  return db.selectFrom('notifications_outbox').selectAll().where('user_id', '=', userId).orderBy('id').execute();
}

// Thin wrappers around the members routes, so each test reads as the call it makes.

export type App = Awaited<ReturnType<typeof buildTestApp>>;
type Payload = Record<string, unknown>;

export const listUsers = (app: App, token: string | undefined, accountId: number, query = '') =>
  app.inject({ method: 'GET', url: `/2/accounts/${accountId}/users${query ? `?${query}` : ''}`, headers: token ? bearer(token) : {} });

export const getUser = (app: App, token: string | undefined, accountId: number, userId: number, query = '') =>
  app.inject({ method: 'GET', url: `/2/accounts/${accountId}/users/${userId}${query ? `?${query}` : ''}`, headers: token ? bearer(token) : {} });

export const patchUser = (app: App, token: string | undefined, accountId: number, userId: number, payload: Payload) =>
  app.inject({ method: 'PATCH', url: `/2/accounts/${accountId}/users/${userId}`, headers: token ? bearer(token) : {}, payload });

export const deleteUser = (app: App, token: string | undefined, accountId: number, userId: number) =>
  app.inject({ method: 'DELETE', url: `/2/accounts/${accountId}/users/${userId}`, headers: token ? bearer(token) : {} });

export const removeUsers = (app: App, token: string | undefined, accountId: number, userIds: unknown) =>
  app.inject({ method: 'POST', url: `/2/accounts/${accountId}/users/remove`, headers: token ? bearer(token) : {}, payload: { user_ids: userIds } });

export const leave = (app: App, token: string | undefined, accountId: number) =>
  app.inject({ method: 'POST', url: `/1/accounts/${accountId}/leave`, headers: token ? bearer(token) : {} });

export const handOver = (app: App, token: string | undefined, accountId: number, payload: Payload) =>
  app.inject({ method: 'POST', url: `/1/accounts/${accountId}/legal_responsible`, headers: token ? bearer(token) : {}, payload });

interface ErrorBody {
  result: string;
  error: { code: string; description: string; context?: Record<string, unknown>; errors?: { code: string; context: { attribute: string; values?: unknown[] } }[] };
}

/** The error part of a refusal: status, code, reason and the attributes a 422 names. */
export function refusal(res: { statusCode: number; json(): unknown }) {
  const body = res.json() as ErrorBody;
  return {
    status: res.statusCode,
    code: body.error?.code,
    reason: body.error?.context?.reason,
    attributes: (body.error?.errors ?? []).map((e) => e.context.attribute),
  };
}
