import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/database.js';

// The payments routes as the tests call them, and the scene they need: invoices shaped by hand,
// a funded prepaid account, and what the database holds afterwards.

export const paymentsUrl = (accountId: number) => `/1/accounts/${accountId}/payments`;
export const paymentUrl = (accountId: number, id: number) => `/1/accounts/${accountId}/payments/${id}`;
export const transferUrl = (accountId: number, id: number) => `/1/accounts/${accountId}/payments/${id}/record_transfer`;

export const PAYMENT_FIELDS = [
  'amount',
  'created_at',
  'currency',
  'failure_code',
  'id',
  'invoice_ids',
  'method',
  'payment_method_id',
  'prepaid_amount',
  'processor_reference',
  'status',
];

/** An unpaid invoice of `total` minor units in the organisation's currency (no order behind it). */
export async function addInvoice(db: Db, accountId: number, total: number): Promise<number> {
  const { currency } = await db
    .selectFrom('accounts')
    .select('currency')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('invoices')
    .values({
      account_id: accountId,
      number: `T-${randomBytes(6).toString('hex')}`,
      kind: 'renewal',
      currency,
      subtotal: total,
      total,
      bank_reference: null,
      due_at: Math.floor(Date.now() / 1000) + 30 * 86400,
      paid_at: null,
      cancelled_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Funds the prepaid account with one ledger credit. */
export async function fundPrepaid(db: Db, accountId: number, amount: number) {
  const { currency } = await db
    .selectFrom('accounts')
    .select('currency')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('prepaid_ledger')
    .values({ account_id: accountId, amount, currency, kind: 'credit', payment_id: null, description: 'test funding' })
    .execute();
}

export const invoiceRow = (db: Db, id: number) =>
  db.selectFrom('invoices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
export const orderRow = (db: Db, id: number) =>
  db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
export const paymentRows = (db: Db, accountId: number) =>
  db.selectFrom('payments').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
export const ledgerRows = (db: Db, accountId: number) =>
  db.selectFrom('prepaid_ledger').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
export const balance = async (db: Db, accountId: number) =>
  (await ledgerRows(db, accountId)).reduce((s, r) => s + Number(r.amount), 0);
export const linksOf = (db: Db, paymentId: number) =>
  db.selectFrom('payment_invoices').selectAll().where('payment_id', '=', paymentId).orderBy('invoice_id').execute();
