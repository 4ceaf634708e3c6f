import { sql, type Insertable, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database, PaymentMethodKind, PaymentsTable, PrepaidLedgerTable } from '../../db/types.js';
import type { NewPaymentMethod } from './methods.js';

// The rows every charge touches: the organisation's lock and currency, its saved methods, the
// payments and the invoices they pay, the prepaid ledger, and what paying changes on products.

export type Trx = Transaction<Database>;
export type NewPayment = Insertable<PaymentsTable>;
export type NewLedgerRow = Insertable<PrepaidLedgerTable>;

export const METHOD_COLUMNS = ['id', 'kind', 'brand', 'last4', 'exp_month', 'exp_year', 'label', 'created_at'] as const;
export const PAYMENT_COLUMNS = [
  'id',
  'status',
  'method',
  'payment_method_id',
  'currency',
  'amount',
  'prepaid_amount',
  'processor_reference',
  'failure_code',
  'created_at',
] as const;

const liveMethods = (db: Executor, accountId: number) =>
  db
    .selectFrom('payment_methods')
    .select([...METHOD_COLUMNS, 'processor_token'])
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null);

export const chargesRepository = {
  currencyOf: (db: Executor, accountId: number) =>
    db.selectFrom('accounts').select('currency').where('id', '=', accountId).executeTakeFirstOrThrow(),

  /** Locks the organisation's prepaid state (FOR NO KEY UPDATE on its accounts row): every payment takes it first. */
  lockAccount: (trx: Trx, accountId: number) =>
    trx
      .selectFrom('accounts')
      .select(['id', 'currency'])
      .where('id', '=', accountId)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow(),

  /** A live method of the organisation (with its token), or undefined. */
  findMethod: (db: Executor, accountId: number, id: number) =>
    liveMethods(db, accountId).where('id', '=', id).executeTakeFirst(),

  /** The most recently saved live method of the kind (or of any of the kinds). */
  latestMethodOfKind: (db: Executor, accountId: number, kind: PaymentMethodKind | readonly PaymentMethodKind[]) =>
    liveMethods(db, accountId)
      .where('kind', 'in', typeof kind === 'string' ? [kind] : [...kind])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),

  /** The live saved method with this label (a Twint profile is known by its phone's label). */
  methodByLabel: (db: Executor, accountId: number, kind: PaymentMethodKind, label: string) =>
    liveMethods(db, accountId)
      .where('kind', '=', kind)
      .where('label', '=', label)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),

  insertMethod: (db: Executor, m: NewPaymentMethod) =>
    db
      .insertInto('payment_methods')
      .values(m)
      .returning([...METHOD_COLUMNS])
      .executeTakeFirstOrThrow(),

  async balance(db: Executor, accountId: number): Promise<number> {
    const row = await db
      .selectFrom('prepaid_ledger')
      .select(sql<number>`coalesce(sum(amount), 0)::bigint`.as('balance'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return Number(row.balance);
  },

  insertLedger: (trx: Executor, row: NewLedgerRow) =>
    trx.insertInto('prepaid_ledger').values(row).returning('id').executeTakeFirstOrThrow(),

  insertPayment: (trx: Executor, p: NewPayment) =>
    trx
      .insertInto('payments')
      .values(p)
      .returning([...PAYMENT_COLUMNS])
      .executeTakeFirstOrThrow(),

  async linkInvoices(trx: Executor, paymentId: number, shares: { invoice_id: number; amount: number }[]) {
    if (shares.length)
      await trx
        .insertInto('payment_invoices')
        .values(shares.map((s) => ({ payment_id: paymentId, ...s })))
        .execute();
  },

  /** The invoices, locked FOR UPDATE in id order (one lock order for everyone: no deadlock). */
  lockInvoices: (trx: Trx, accountId: number, ids: number[]) =>
    trx
      .selectFrom('invoices')
      .select(['id', 'status', 'total', 'currency'])
      .where('account_id', '=', accountId)
      .where('id', 'in', ids)
      .orderBy('id')
      .forUpdate()
      .execute(),

  markPaid: (trx: Trx, ids: number[], at: number) =>
    trx.updateTable('invoices').set({ status: 'paid', paid_at: at }).where('id', 'in', ids).execute(),

  /** Pending orders whose invoice is one of these. */
  pendingOrdersOf: (trx: Trx, invoiceIds: number[]) =>
    trx
      .selectFrom('orders')
      .select('id')
      .where('invoice_id', 'in', invoiceIds)
      .where('status', '=', 'pending')
      .orderBy('id')
      .execute(),

  /** The lines of the 'renewal' invoices among these that name a product and a period. */
  renewalLinesOf: (trx: Trx, invoiceIds: number[]) =>
    trx
      .selectFrom('invoice_lines as l')
      .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
      .select(['l.id', 'l.product_id', 'l.period_months', 'l.renews_expired_at'])
      .where('l.invoice_id', 'in', invoiceIds)
      .where('i.kind', '=', 'renewal')
      .where('l.product_id', 'is not', null)
      .where('l.period_months', 'is not', null)
      .orderBy('l.product_id')
      .orderBy('l.id')
      .execute(),

  /** The product's expiry, locked: two payments renewing it extend it one after the other. */
  lockProductExpiry: (trx: Trx, productId: number) =>
    trx.selectFrom('products').select(['id', 'expired_at']).where('id', '=', productId).forUpdate().executeTakeFirst(),

  /** A renewal paid: the new expiry; it unlocks a product that expired unpaid and ends the run's retries for it. */
  extendProduct: (trx: Trx, productId: number, expiredAt: number) =>
    trx
      .updateTable('products')
      .set({ expired_at: expiredAt, is_locked: false, next_renewal_attempt_at: null })
      .where('id', '=', productId)
      .execute(),

  /** Auto-renewal on with this method for those of the products that expire and are not deleted. */
  switchOnAutoRenewal: (trx: Executor, productIds: number[], methodId: number) =>
    trx
      .updateTable('products')
      .set({ auto_renewal: true, auto_renewal_method_id: methodId, next_renewal_attempt_at: null })
      .where('id', 'in', productIds)
      .where('expired_at', 'is not', null)
      .where('deleted_at', 'is', null)
      .execute(),
};
