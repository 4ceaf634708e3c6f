import type { Db } from '../../src/db/database.js';
import { call } from '../helper.js';
import type { App } from './organisations.js';

// The billing routes the tests call, and the rows they leave behind.

export const methodsUrl = (accountId: number) => `/1/accounts/${accountId}/payment_methods`;
export const methodUrl = (accountId: number, id: number) => `/1/accounts/${accountId}/payment_methods/${id}`;
export const prepaidUrl = (accountId: number) => `/1/accounts/${accountId}/prepaid`;
export const ledgerUrl = (accountId: number) => `/1/accounts/${accountId}/prepaid/transactions`;
export const creditUrl = (accountId: number) => `/1/accounts/${accountId}/prepaid/credit`;

export const CARDS = {
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  mastercard2: '2223003122003222',
  cb: '4035501000000008',
  declined: '4000000000000002',
  insufficient: '4000000000009995',
  pending: '4000000000000259',
} as const;

export const futureYear = () => new Date().getUTCFullYear() + 2;

export const cardBody = (number: string, extra: Record<string, unknown> = {}) => ({
  kind: 'card',
  number,
  exp_month: 12,
  exp_year: futureYear(),
  cvc: '123',
  ...extra,
});

/** Saves a method through the API and returns its id (fails the test's expectations if not 201). */
export async function saveMethod(
  app: App,
  token: string,
  accountId: number,
  body: Record<string, unknown>,
): Promise<number> {
  const res = await call(app, token, 'POST', methodsUrl(accountId), body);
  if (res.statusCode !== 201) throw new Error(`saving a method answered ${res.statusCode}: ${res.body}`);
  return res.json().data.id;
}

export const saveCard = (app: App, token: string, accountId: number, number: string) =>
  saveMethod(app, token, accountId, cardBody(number));

export async function setCurrency(db: Db, accountId: number, currency: 'EUR' | 'CHF') {
  await db.updateTable('accounts').set({ currency }).where('id', '=', accountId).execute();
}

export const payments = (db: Db, accountId: number) =>
  db.selectFrom('payments').selectAll().where('account_id', '=', accountId).orderBy('id').execute();

export const ledger = (db: Db, accountId: number) =>
  db.selectFrom('prepaid_ledger').selectAll().where('account_id', '=', accountId).orderBy('id').execute();

export async function balanceOf(db: Db, accountId: number) {
  const rows = await ledger(db, accountId);
  return rows.reduce((s, r) => s + Number(r.amount), 0);
}
