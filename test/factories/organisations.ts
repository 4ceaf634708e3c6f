import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import type { ProductRight, RoleType } from '../../src/db/types.js';
import { serviceByName, type ServiceName } from '../../src/modules/products/services.js';
import type { buildTestApp } from '../helper.js';
import { createUser, type TestUser, type UserOverrides } from './users.js';

// The rows of an organisation, inserted directly so a test sets the scene in a few lines and
// calls the API only for what it checks: members, teams, products with their rights and tags,
// pending invitations. Each module's factory keeps only the HTTP calls of its own routes.

export type App = Awaited<ReturnType<typeof buildTestApp>>;

const DAY = 86_400;
export const nowS = () => Math.floor(Date.now() / 1000);

export const freshEmail = (prefix = 'invitee') => `${prefix}-${randomBytes(5).toString('hex')}@example.test`;

// Members

/** The flags of a membership; those left out take the column's default (all false but has_mailing). */
export interface MemberFlags {
  has_billing_access?: boolean;
  has_mailing?: boolean;
  has_billing_mailing?: boolean;
}

/** Makes the existing user `userId` a member of `accountId` with `role`. */
export async function addMember(db: Db, accountId: number, userId: number, role: RoleType, flags: MemberFlags = {}) {
  await db
    .insertInto('account_members')
    .values({ account_id: accountId, user_id: userId, role_type: role, ...flags })
    .execute();
}

export interface Member extends TestUser {
  role: RoleType;
}

/** A new user (with an all-scope token and an organisation of their own) who also joins `accountId` with `role`. */
export async function createMember(
  db: Db,
  accountId: number,
  role: RoleType,
  o: UserOverrides & MemberFlags = {},
): Promise<Member> {
  const { has_billing_access, has_mailing, has_billing_mailing, ...userOverrides } = o;
  const user = await createUser(db, userOverrides);
  await addMember(db, accountId, user.id, role, { has_billing_access, has_mailing, has_billing_mailing });
  return { ...user, role };
}

export interface Org {
  id: number;
  owner: Member;
  admin: Member;
  normal: Member;
}

/** An organisation whose owner created it, with one admin (with billing access) and one normal member. */
export async function createOrg(db: Db): Promise<Org> {
  const founder = await createUser(db);
  const owner = { ...founder, role: 'owner' as const };
  const admin = await createMember(db, founder.accountId, 'admin', { has_billing_access: true });
  const normal = await createMember(db, founder.accountId, 'normal');
  return { id: founder.accountId, owner, admin, normal };
}

/** The membership row of `userId` in `accountId`, if any. */
export const membership = (db: Db, accountId: number, userId: number) =>
  db
    .selectFrom('account_members')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();

// Teams

export interface TeamOptions {
  name?: string;
  color_id?: number;
  owned_by_id?: number | null;
  created_by_id?: number | null;
  /** User ids put in the team. */
  members?: number[];
  permissions?: { service_id: number; rights: ProductRight }[];
  created_at?: number;
}

let teamSeq = 0;

export async function addTeam(db: Db, accountId: number, o: TeamOptions = {}) {
  const at = o.created_at ?? nowS();
  const team = await db
    .insertInto('teams')
    .values({
      account_id: accountId,
      name: o.name ?? `Team ${++teamSeq}-${process.pid}`,
      color_id: o.color_id ?? 0,
      owned_by_id: o.owned_by_id ?? null,
      created_by_id: o.created_by_id ?? null,
      created_at: at,
      updated_at: at,
    })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  if (o.members?.length)
    await db
      .insertInto('team_members')
      .values(o.members.map((user_id) => ({ team_id: team.id, user_id })))
      .execute();
  if (o.permissions?.length)
    await db
      .insertInto('team_permissions')
      .values(o.permissions.map((p) => ({ team_id: team.id, ...p })))
      .execute();
  return team;
}

// Products, their rights and tags

export interface ProductOptions {
  customer_name?: string;
  /** The customer name unless given. */
  internal_name?: string;
  fqdn?: string | null;
  description?: string | null;
  /** Days from now; negative for an expired product, null for none. */
  expiresInDays?: number | null;
  parent_id?: number | null;
  admin_user_id?: number | null;
  price_per_month?: number;
  currency?: 'EUR' | 'CHF';
  renewal_periods?: number[];
  is_locked?: boolean;
  has_maintenance?: boolean;
  is_free?: boolean;
  is_trial?: boolean;
  bill_reference?: string | null;
  deleted?: boolean;
  created_at?: number;
}

/** A product of `service` in `accountId`, live for a year unless told otherwise. */
export async function addProduct(db: Db, accountId: number, service: ServiceName, o: ProductOptions = {}) {
  const s = serviceByName(service)!;
  const t = nowS();
  const customerName = o.customer_name ?? `${service}-${randomBytes(3).toString('hex')}`;
  const row = await db
    .insertInto('products')
    .values({
      account_id: accountId,
      service_id: s.id,
      service_name: s.name,
      customer_name: customerName,
      internal_name: o.internal_name ?? customerName,
      fqdn: o.fqdn ?? null,
      description: o.description ?? null,
      parent_id: o.parent_id ?? null,
      admin_user_id: o.admin_user_id ?? null,
      price_per_month: o.price_per_month ?? 500,
      currency: o.currency ?? 'CHF',
      renewal_periods: o.renewal_periods ?? [12],
      is_locked: o.is_locked ?? false,
      has_maintenance: o.has_maintenance ?? false,
      is_free: o.is_free ?? false,
      is_trial: o.is_trial ?? false,
      bill_reference: o.bill_reference ?? null,
      created_at: o.created_at ?? t,
      expired_at: o.expiresInDays === null ? null : t + (o.expiresInDays ?? 365) * DAY,
      deleted_at: o.deleted ? t : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, service_id: s.id };
}

export type Rights = Partial<Record<ProductRight, boolean>>;

/** Gives `userId` these rights on a product; those left out are off (`{}`: a row with every right off). */
export async function grantRights(db: Db, productId: number, userId: number, rights: Rights) {
  await db
    .insertInto('product_rights')
    .values({ product_id: productId, user_id: userId, ...rights })
    .execute();
}

export async function addTag(db: Db, accountId: number, name: string, color = 0): Promise<number> {
  const row = await db
    .insertInto('tags')
    .values({ account_id: accountId, name, color })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function tagProduct(db: Db, productId: number, tagId: number) {
  await db.insertInto('product_tags').values({ product_id: productId, tag_id: tagId }).execute();
}

// Invitations

export interface InvitationOptions {
  email?: string;
  first_name?: string;
  last_name?: string;
  role_type?: RoleType;
  status?: 'pending' | 'accepted' | 'rejected' | 'cancelled';
  expired_at?: number;
  has_billing?: boolean;
  team_ids?: number[];
  permissions?: { service_id: number; product_id?: number; apply_to_all?: boolean; types: ProductRight[] }[];
}

/** An invitation row as the invitations module would store it (pending for a week unless told otherwise). */
export async function addInvitation(db: Db, accountId: number, o: InvitationOptions = {}) {
  const email = o.email ?? freshEmail();
  const row = await db
    .insertInto('invitations')
    .values({
      account_id: accountId,
      key_hash: randomBytes(32).toString('hex'),
      email,
      first_name: o.first_name ?? 'Grace',
      last_name: o.last_name ?? 'Hopper',
      locale: 'fr_FR',
      language_id: 2,
      role_type: o.role_type ?? 'normal',
      status: o.status ?? 'pending',
      expired_at: o.expired_at ?? nowS() + 7 * DAY,
      has_billing: o.has_billing ?? false,
      team_ids: o.team_ids ?? [],
      permissions: sql<string>`${JSON.stringify(o.permissions ?? [])}::jsonb`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, email };
}

// What the organisation's routes leave behind

/** The notifications queued for a user (`to` a user id) or for an address (`to` an email), oldest first. */
export function outbox(db: Db, to: number | string) {
  const q = db.selectFrom('notifications_outbox').selectAll();
  return (typeof to === 'number' ? q.where('user_id', '=', to) : q.where('recipient', '=', to)).orderBy('id').execute();
}

/** The attributes a 422 names, in order. */
export const failedAttributes = (body: { error?: { errors?: { context: { attribute: string } }[] } }) =>
  (body.error?.errors ?? []).map((e) => e.context.attribute);
