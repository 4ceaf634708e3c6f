import type { Db } from '../../src/db/database.js';
import type { ProductRight, RoleType } from '../../src/db/types.js';
import { serviceByName, type ServiceName } from '../../src/modules/products/services.js';
import { bearer, type buildTestApp } from '../helper.js';
import { createUser, type TestUser, type UserOverrides } from './users.js';

// Organisation rows the accounts tests need, inserted directly: members with a given role,
// products with rights, tags, teams and pending invitations.

const now = () => Math.floor(Date.now() / 1000);

export interface MemberFlags {
  has_billing_access?: boolean;
  has_mailing?: boolean;
  has_billing_mailing?: boolean;
}

/** Makes `userId` a member of `accountId` with `role`. */
export async function addMember(db: Db, accountId: number, userId: number, role: RoleType, flags: MemberFlags = {}) {
  await db.insertInto('account_members').values({ account_id: accountId, user_id: userId, role_type: role, ...flags }).execute();
}

/** A new user (owner of an organisation of their own) who also joins `accountId` with `role`. */
export async function createMember(db: Db, accountId: number, role: RoleType, flags: MemberFlags = {}, o: UserOverrides = {}): Promise<TestUser> {
  const user = await createUser(db, o);
  await addMember(db, accountId, user.id, role, flags);
  return user;
}

export interface ProductOverrides {
  customer_name?: string;
  deleted_at?: number | null;
}

export async function addProduct(db: Db, accountId: number, service: ServiceName, o: ProductOverrides = {}) {
  const s = serviceByName(service)!;
  const name = o.customer_name ?? `${service}-${Math.random().toString(36).slice(2, 8)}`;
  const row = await db
    .insertInto('products')
    .values({
      account_id: accountId, service_id: s.id, service_name: s.name, customer_name: name, internal_name: name,
      expired_at: now() + 365 * 86_400, deleted_at: o.deleted_at ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Gives `userId` these rights on a product (none listed: a row with every flag off). */
export async function grantRight(db: Db, productId: number, userId: number, rights: ProductRight[] = ['technical']) {
  const flags = { technical: false, statistic: false, check: false, sale: false };
  for (const r of rights) flags[r] = true;
  await db.insertInto('product_rights').values({ product_id: productId, user_id: userId, ...flags }).execute();
}

export async function addTag(db: Db, accountId: number, name: string, color = 0) {
  const row = await db.insertInto('tags').values({ account_id: accountId, name, color }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function tagProduct(db: Db, tagId: number, productId: number) {
  await db.insertInto('product_tags').values({ tag_id: tagId, product_id: productId }).execute();
}

export async function addTeam(db: Db, accountId: number, name: string, memberIds: number[] = [], colorId = 0) {
  const team = await db.insertInto('teams').values({ account_id: accountId, name, color_id: colorId }).returning('id').executeTakeFirstOrThrow();
  if (memberIds.length) await db.insertInto('team_members').values(memberIds.map((user_id) => ({ team_id: team.id, user_id }))).execute();
  return team.id;
}

export interface InvitationOverrides {
  status?: 'pending' | 'accepted' | 'rejected' | 'cancelled';
  expired_at?: number;
}

export async function addInvitation(db: Db, accountId: number, email: string, o: InvitationOverrides = {}) {
  const row = await db
    .insertInto('invitations')
    .values({
      account_id: accountId, key_hash: `hash-${Math.random().toString(36).slice(2)}`, email, first_name: 'Invited', last_name: 'Person',
      locale: 'en_GB', language_id: 2, role_type: 'normal', status: o.status ?? 'pending', expired_at: o.expired_at ?? now() + 7 * 86_400,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

type App = Awaited<ReturnType<typeof buildTestApp>>;
interface Tap {
  equal(found: unknown, wanted: unknown, message: string): unknown;
  match(found: unknown, pattern: unknown): unknown;
}

export interface RouteCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The URL on an organisation the caller may use. */
  url: string;
  payload?: object;
}

export interface Callers {
  /** A token of a member of the organisation that lacks the `accounts` scope. */
  noScopeToken: string;
  /** A token of a user who is not a member of the organisation. */
  strangerToken: string;
}

/**
 * The guards every organisation route has: no token 401, a token without `accounts` 403
 * naming the scope, a user of another organisation 404 (never a hint that it exists).
 */
export async function checkGuards(t: Tap, app: App, call: RouteCall, callers: Callers) {
  const send = (headers: Record<string, string>) => app.inject({ method: call.method, url: call.url, payload: call.payload, headers });
  const anonymous = await send({});
  t.equal(anonymous.statusCode, 401, `${call.method} ${call.url} without a token`);
  t.equal(anonymous.json().error.code, 'not_authorized', 'not_authorized');
  const noScope = await send(bearer(callers.noScopeToken));
  t.equal(noScope.statusCode, 403, `${call.method} ${call.url} without the accounts scope`);
  t.match(noScope.json().error, { code: 'access_denied', context: { missing_scopes: ['accounts'] } });
  const stranger = await send(bearer(callers.strangerToken));
  t.equal(stranger.statusCode, 404, `${call.method} ${call.url} by a non-member`);
  t.equal(stranger.json().error.code, 'object_not_found', 'object_not_found');
}
