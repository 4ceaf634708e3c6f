import type { Db } from '../../src/db/database.js';
import type { RoleType } from '../../src/db/types.js';
import { serviceByName, type ServiceName } from '../../src/modules/products/services.js';
import { createToken, createUser, type TestUser, type UserOverrides } from './users.js';

export { createDemoProducts } from '../../src/modules/products/demo-products.js';

// Products, their rights and tags, inserted directly: the API only lists products.

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);

export interface ProductOverrides {
  service?: ServiceName;
  customer_name?: string;
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

export async function addProduct(db: Db, accountId: number, o: ProductOverrides = {}): Promise<number> {
  const service = serviceByName(o.service ?? 'web_hosting')!;
  const t = now();
  const row = await db
    .insertInto('products')
    .values({
      account_id: accountId, service_id: service.id, service_name: service.name,
      customer_name: o.customer_name ?? `product-${Math.random().toString(36).slice(2, 8)}`,
      internal_name: o.internal_name ?? 'internal', fqdn: o.fqdn ?? null, description: o.description ?? null,
      parent_id: o.parent_id ?? null, admin_user_id: o.admin_user_id ?? null, price_per_month: o.price_per_month ?? 500,
      currency: o.currency ?? 'CHF', renewal_periods: o.renewal_periods ?? [12], is_locked: o.is_locked ?? false,
      has_maintenance: o.has_maintenance ?? false, is_free: o.is_free ?? false, is_trial: o.is_trial ?? false,
      bill_reference: o.bill_reference ?? null, created_at: o.created_at ?? t,
      expired_at: o.expiresInDays === null ? null : t + (o.expiresInDays ?? 365) * DAY, deleted_at: o.deleted ? t : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A new user (with an organisation of their own) who also joins `accountId` with `role`. */
export async function addMember(db: Db, accountId: number, role: RoleType, o: UserOverrides = {}): Promise<TestUser> {
  const user = await createUser(db, o);
  await db.insertInto('account_members').values({ account_id: accountId, user_id: user.id, role_type: role }).execute();
  return user;
}

export type Rights = Partial<Record<'technical' | 'statistic' | 'check' | 'sale', boolean>>;

export async function grantRights(db: Db, productId: number, userId: number, rights: Rights) {
  await db.insertInto('product_rights').values({ product_id: productId, user_id: userId, ...rights }).execute();
}

export async function addTag(db: Db, accountId: number, name: string, color = 1): Promise<number> {
  const row = await db.insertInto('tags').values({ account_id: accountId, name, color }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function tagProduct(db: Db, productId: number, tagId: number) {
  await db.insertInto('product_tags').values({ product_id: productId, tag_id: tagId }).execute();
}

/**
 * Organisation A (owner alice, admin ada, normal nora) with six live products and one deleted;
 * organisation B (owner bob) with two, on one of which alice holds a right as a normal member.
 */
export async function productWorld(db: Db) {
  const alice = await createUser(db, { first_name: 'Alice', last_name: 'Owner' });
  const A = alice.accountId;
  const ada = await addMember(db, A, 'admin', { first_name: 'Ada', last_name: 'Admin' });
  const nora = await addMember(db, A, 'normal', { first_name: 'Nora', last_name: 'Normal' });
  const bob = await createUser(db, { first_name: 'Bob', last_name: 'Other' });
  const B = bob.accountId;
  await db.insertInto('account_members').values({ account_id: B, user_id: alice.id, role_type: 'normal' }).execute();

  const p1 = await addProduct(db, A, { service: 'domain', customer_name: 'alpha.ch', internal_name: 'dom-1', fqdn: 'alpha.ch', expiresInDays: 10, admin_user_id: ada.id, bill_reference: 'REF-1', description: 'The domain', created_at: 1_700_000_000 });
  const p2 = await addProduct(db, A, { service: 'web_hosting', customer_name: 'bravo hosting', internal_name: 'web-1', fqdn: 'www.alpha.ch', expiresInDays: 45, has_maintenance: true });
  const p3 = await addProduct(db, A, { service: 'ksuite', customer_name: 'charlie suite', internal_name: 'ks-1', expiresInDays: 75, renewal_periods: [1, 12] });
  const p4 = await addProduct(db, A, { service: 'email_hosting', customer_name: 'delta mail', internal_name: 'mail-1', fqdn: 'alpha.ch', expiresInDays: 200, parent_id: p1, is_locked: true });
  const p5 = await addProduct(db, A, { service: 'drive', customer_name: 'echo drive', internal_name: 'drive-1', expiresInDays: -5, price_per_month: 0, is_trial: true, currency: 'EUR' });
  const p6 = await addProduct(db, A, { service: 'web_hosting', customer_name: 'foxtrot gone', internal_name: 'web-2', deleted: true });
  const p7 = await addProduct(db, A, { service: 'backup', customer_name: 'golf backup', internal_name: 'backup-1', expiresInDays: null, is_free: true });
  const b1 = await addProduct(db, B, { service: 'domain', customer_name: 'hotel.ch', internal_name: 'dom-b', fqdn: 'hotel.ch', expiresInDays: 100 });
  const b2 = await addProduct(db, B, { service: 'ksuite', customer_name: 'india suite', internal_name: 'ks-b', expiresInDays: 100 });

  await grantRights(db, p2, nora.id, { technical: true });
  await grantRights(db, p3, nora.id, {}); // a row without any right shows nothing
  await grantRights(db, p4, nora.id, { statistic: true, sale: true });
  await grantRights(db, p6, nora.id, { technical: true }); // deleted: never listed
  await grantRights(db, b1, alice.id, { check: true });

  const blue = await addTag(db, A, 'blue', 3);
  const red = await addTag(db, A, 'red', 7);
  const green = await addTag(db, B, 'green', 2);
  for (const [p, t] of [[p1, blue], [p2, blue], [p1, red], [p6, blue], [b1, green]] as const) await tagProduct(db, p, t);

  const noScope = await createToken(db, alice.id, ['user_info']);
  return {
    alice, ada, nora, bob, A, B, noScope: noScope.secret,
    p: { p1, p2, p3, p4, p5, p6, p7, b1, b2 },
    tags: { blue, red, green },
    /** A's live products in id order. */
    allA: [p1, p2, p3, p4, p5, p7],
  };
}

export type World = Awaited<ReturnType<typeof productWorld>>;
