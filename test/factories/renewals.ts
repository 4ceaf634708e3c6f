import type { Db } from '../../src/db/database.js';
import { ADMIN_TOKEN, call, type Method } from '../helper.js';
import { addProduct, type App } from './organisations.js';

// Auto-renewal as the tests drive it: products near expiry, the routes, the control plane's
// clock and outbox, and what the database holds afterwards.

export const DAY = 86_400;
export const autoRenewalUrl = (accountId: number) => `/1/accounts/${accountId}/auto_renewal`;
export const productAutoRenewalUrl = (accountId: number, productId: number) =>
  `/1/accounts/${accountId}/products/${productId}/auto_renewal`;
export const attemptsUrl = (accountId: number) => `/1/accounts/${accountId}/renewal_attempts`;

/** A `.ch` domain (renewable 1 to 10 years) expiring in `days` days. */
export const addDomain = async (
  db: Db,
  accountId: number,
  days: number,
  name = `d${Math.random().toString(36).slice(2, 8)}.ch`,
) => (await addProduct(db, accountId, 'domain', { customer_name: name, fqdn: name, expiresInDays: days })).id;

export const product = (db: Db, id: number) =>
  db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** The control plane, as the operator calls it. */
export const admin = (app: App, method: Method, url: string, payload?: unknown) =>
  call(app, ADMIN_TOKEN, method, url, payload);

/** Moves the mirror's clock to `at` (Unix seconds) and answers what the renewal run did. */
export async function clockTo(app: App, at: number) {
  const res = await admin(app, 'PUT', '/_mirror/clock', { now: at });
  if (res.statusCode !== 200) throw new Error(`moving the clock answered ${res.statusCode}: ${res.body}`);
  return res.json().data as { now: number; renewals: { succeeded: number; failed: number; locked: number } };
}

export async function outbox(app: App, query: string) {
  const res = await admin(app, 'GET', `/_mirror/outbox?${query}`);
  return res.json().data as { kind: string; recipient: string; subject: string; body: string; account_id: number }[];
}
