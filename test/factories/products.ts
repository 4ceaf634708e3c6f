import type { Db } from '../../src/db/database.js';
import { addMember, addProduct, addTag, createMember, grantRights, tagProduct } from './organisations.js';
import { createToken, createUser } from './users.js';

export { createDemoProducts } from '../../src/modules/products/demo-products.js';

// The world the products listings are checked against; its rows come from ./organisations.js
// (the API only lists products).

/**
 * Organisation A (owner alice, admin ada, normal nora) with six live products and one deleted;
 * organisation B (owner bob) with two, on one of which alice holds a right as a normal member.
 */
export async function productWorld(db: Db) {
  const alice = await createUser(db, { first_name: 'Alice', last_name: 'Owner' });
  const A = alice.accountId;
  const ada = await createMember(db, A, 'admin', { first_name: 'Ada', last_name: 'Admin' });
  const nora = await createMember(db, A, 'normal', { first_name: 'Nora', last_name: 'Normal' });
  const bob = await createUser(db, { first_name: 'Bob', last_name: 'Other' });
  const B = bob.accountId;
  await addMember(db, B, alice.id, 'normal');

  const { id: p1 } = await addProduct(db, A, 'domain', {
    customer_name: 'alpha.ch',
    internal_name: 'dom-1',
    fqdn: 'alpha.ch',
    expiresInDays: 10,
    admin_user_id: ada.id,
    bill_reference: 'REF-1',
    description: 'The domain',
    created_at: 1_700_000_000,
  });
  const { id: p2 } = await addProduct(db, A, 'web_hosting', {
    customer_name: 'bravo hosting',
    internal_name: 'web-1',
    fqdn: 'www.alpha.ch',
    expiresInDays: 45,
    has_maintenance: true,
  });
  const { id: p3 } = await addProduct(db, A, 'ksuite', {
    customer_name: 'charlie suite',
    internal_name: 'ks-1',
    expiresInDays: 75,
    renewal_periods: [1, 12],
  });
  const { id: p4 } = await addProduct(db, A, 'email_hosting', {
    customer_name: 'delta mail',
    internal_name: 'mail-1',
    fqdn: 'alpha.ch',
    expiresInDays: 200,
    parent_id: p1,
    is_locked: true,
  });
  const { id: p5 } = await addProduct(db, A, 'drive', {
    customer_name: 'echo drive',
    internal_name: 'drive-1',
    expiresInDays: -5,
    price_per_month: 0,
    is_trial: true,
    currency: 'EUR',
  });
  const { id: p6 } = await addProduct(db, A, 'web_hosting', {
    customer_name: 'foxtrot gone',
    internal_name: 'web-2',
    deleted: true,
  });
  const { id: p7 } = await addProduct(db, A, 'backup', {
    customer_name: 'golf backup',
    internal_name: 'backup-1',
    expiresInDays: null,
    is_free: true,
  });
  const { id: b1 } = await addProduct(db, B, 'domain', {
    customer_name: 'hotel.ch',
    internal_name: 'dom-b',
    fqdn: 'hotel.ch',
    expiresInDays: 100,
  });
  const { id: b2 } = await addProduct(db, B, 'ksuite', {
    customer_name: 'india suite',
    internal_name: 'ks-b',
    expiresInDays: 100,
  });

  await grantRights(db, p2, nora.id, { technical: true });
  await grantRights(db, p3, nora.id, {}); // a row without any right shows nothing
  await grantRights(db, p4, nora.id, { statistic: true, sale: true });
  await grantRights(db, p6, nora.id, { technical: true }); // deleted: never listed
  await grantRights(db, b1, alice.id, { check: true });

  const blue = await addTag(db, A, 'blue', 3);
  const red = await addTag(db, A, 'red', 7);
  const green = await addTag(db, B, 'green', 2);
  for (const [p, t] of [
    [p1, blue],
    [p2, blue],
    [p1, red],
    [p6, blue],
    [b1, green],
  ] as const)
    await tagProduct(db, p, t);

  const noScope = await createToken(db, alice.id, ['user_info']);
  return {
    alice,
    ada,
    nora,
    bob,
    A,
    B,
    noScope: noScope.secret,
    p: { p1, p2, p3, p4, p5, p6, p7, b1, b2 },
    tags: { blue, red, green },
    /** A's live products in id order. */
    allA: [p1, p2, p3, p4, p5, p7],
  };
}

export type World = Awaited<ReturnType<typeof productWorld>>;
