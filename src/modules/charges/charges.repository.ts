import { sql, type Insertable, type Transaction } from 'kysely';
import { keptTotal } from '../../db/kept-totals.js';
import { standInsFor } from '../../db/shaped.js';
import type { Executor } from '../../db/database.js';
import type { Database, PaymentMethodKind, PaymentsTable, PrepaidLedgerTable } from '../../db/types.js';
import { paidOfInvoice } from '../invoices/index.js';
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

/** What a payment pays of each invoice. */
export interface Share {
  invoice_id: number;
  amount: number;
}

/** A payment with the invoices it is for; `paidAt` is when they are paid, if the payment succeeds. */
export interface PaymentRecord {
  payment: NewPayment;
  shares: Share[];
  paidAt: number;
}

/** The prepaid balance: the sum of the organisation's ledger, as the database keeps it beside the ledger. */
export const balanceOf = (db: Executor, accountId: number) =>
  db.selectNoFrom(keptTotal(accountId, 'prepaid').as('balance'));

/** The shares as a table `s(invoice_id, amount)` of the statement (typed: a VALUES list's parameters are text otherwise). */
const sharesTable = (shares: Share[]) =>
  sql<Share>`(values ${sql.join(shares.map((s) => sql`(${s.invoice_id}::integer, ${s.amount}::bigint)`))})`.as<'s'>(
    sql`s(invoice_id, amount)`,
  );

const liveMethods = (db: Executor, accountId: number) =>
  db
    .selectFrom('payment_methods')
    .select([...METHOD_COLUMNS, 'processor_token'])
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null);

/** The organisation's currency and its saved methods. */
function chargeMethods(db: Executor) {
  return {
    currencyOf: (accountId: number) =>
      db.selectFrom('accounts').select('currency').where('id', '=', accountId).executeTakeFirstOrThrow(),

    /** A live method of the organisation (with its token), or undefined. */
    findMethod: (accountId: number, id: number) => liveMethods(db, accountId).where('id', '=', id).executeTakeFirst(),

    /** The most recently saved live method of the kind (or of any of the kinds). */
    latestMethodOfKind: (accountId: number, kind: PaymentMethodKind | readonly PaymentMethodKind[]) =>
      liveMethods(db, accountId)
        .where('kind', 'in', typeof kind === 'string' ? [kind] : [...kind])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),

    /** The live saved method with this label (a Twint profile is known by its phone's label). */
    methodByLabel: (accountId: number, kind: PaymentMethodKind, label: string) =>
      liveMethods(db, accountId)
        .where('kind', '=', kind)
        .where('label', '=', label)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),

    insertMethod: (m: NewPaymentMethod) =>
      db
        .insertInto('payment_methods')
        .values(m)
        .returning([...METHOD_COLUMNS])
        .executeTakeFirstOrThrow(),
  };
}

/** `recordPayment`'s first part: the payment (`p`) and the invoices it is for (`l`). */
const withShares = (db: Executor, { payment, shares }: PaymentRecord) =>
  db
    .with('p', (w) =>
      w
        .insertInto('payments')
        .values(payment)
        .returning([...PAYMENT_COLUMNS]),
    )
    .with('l', (w) =>
      w
        .insertInto('payment_invoices')
        .columns(['payment_id', 'invoice_id', 'amount'])
        .expression((eb) => eb.selectFrom(['p', sharesTable(shares)]).select(['p.id', 's.invoice_id', 's.amount'])),
    );

/**
 * The ledger row debiting a payment's prepaid part, read from the payment `p` the statement
 * has just made (the columns of the prepaid_ledger insert, in its order).
 */
export const debitOf = (accountId: number, invoicesNamed: string) => [
  sql<number>`${accountId}::integer`.as('account_id'),
  sql<number>`-p.prepaid_amount`.as('amount'),
  sql<string>`p.currency`.as('currency'),
  sql<'debit'>`'debit'`.as('kind'),
  sql<number>`p.id`.as('payment_id'),
  sql<string>`concat('Payment ', p.id, ${invoicesNamed}::text)`.as('description'),
];

/** The end of a debit's description: which invoices it paid. */
export const invoicesNamed = (invoiceIds: number[]) => ` of invoices ${invoiceIds.join(', ')}`;

/** `recordPayment`'s second part, when the payment succeeded: its prepaid part debited (`d`), its invoices paid (`m`). */
const debitedAndMarked = (q: ReturnType<typeof withShares>, { payment, shares, paidAt }: PaymentRecord) =>
  q
    .with('d', (w) =>
      w
        .insertInto('prepaid_ledger')
        .columns(['account_id', 'amount', 'currency', 'kind', 'payment_id', 'description'])
        .expression((eb) =>
          eb
            .selectFrom('p')
            .select(debitOf(payment.account_id, invoicesNamed(shares.map((s) => s.invoice_id))))
            .where('p.status', '=', 'succeeded')
            .where('p.prepaid_amount', '>', 0),
        ),
    )
    .with('m', (w) =>
      w
        .updateTable('invoices')
        .set({ status: 'paid', paid_at: paidAt })
        .where(
          'id',
          'in',
          shares.map((s) => s.invoice_id),
        )
        .where((eb) => eb.exists(eb.selectFrom('p').select('p.id').where('p.status', '=', 'succeeded'))),
    );

/** The prepaid balance, and the payment and ledger rows a charge writes. */
function chargeRecords(db: Executor) {
  return {
    async balance(accountId: number): Promise<number> {
      const row = await balanceOf(db, accountId).executeTakeFirstOrThrow();
      return Number(row.balance);
    },

    insertLedger: (row: NewLedgerRow) =>
      db.insertInto('prepaid_ledger').values(row).returning('id').executeTakeFirstOrThrow(),

    insertPayment: (p: NewPayment) =>
      db
        .insertInto('payments')
        .values(p)
        .returning([...PAYMENT_COLUMNS])
        .executeTakeFirstOrThrow(),

    /**
     * One statement: the payment and the invoices it is for (at least one); a succeeded payment
     * also debits its prepaid part from the ledger and marks its invoices paid at `paidAt`. What
     * else paying does (orders, renewals, auto-renewal) is `settleMarked`'s. Answers the payment.
     */
    recordPayment: (r: PaymentRecord) =>
      debitedAndMarked(withShares(db, r), r).selectFrom('p').selectAll().executeTakeFirstOrThrow(),

    async linkInvoices(paymentId: number, shares: Share[]) {
      if (shares.length)
        await db
          .insertInto('payment_invoices')
          .values(shares.map((s) => ({ payment_id: paymentId, ...s })))
          .execute();
    },
  };
}

/** What paying changes on invoices, orders and products. */
function chargeSettlement(db: Executor) {
  return {
    markPaid: (ids: number[], at: number) =>
      db.updateTable('invoices').set({ status: 'paid', paid_at: at }).where('id', 'in', ids).execute(),

    /** Pending orders whose invoice is one of these. */
    pendingOrdersOf: (invoiceIds: number[]) =>
      db
        .selectFrom('orders')
        .select('id')
        .where('invoice_id', 'in', invoiceIds)
        .where('status', '=', 'pending')
        .orderBy('id')
        .execute(),

    /** The lines of the 'renewal' invoices among these that name a product and a period. */
    renewalLinesOf: (invoiceIds: number[]) =>
      db
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

    /** A renewal paid: the new expiry; it unlocks a product that expired unpaid and ends the run's retries for it. */
    extendProduct: (productId: number, expiredAt: number) =>
      db
        .updateTable('products')
        .set({ expired_at: expiredAt, is_locked: false, next_renewal_attempt_at: null })
        .where('id', '=', productId)
        .execute(),

    /** Auto-renewal on with this method for those of the products that expire and are not deleted. */
    switchOnAutoRenewal: (productIds: number[], methodId: number) =>
      db
        .updateTable('products')
        .set({ auto_renewal: true, auto_renewal_method_id: methodId, next_renewal_attempt_at: null })
        .where('id', 'in', productIds)
        .where('expired_at', 'is not', null)
        .where('deleted_at', 'is', null)
        .execute(),
  };
}

/**
 * The invoices of the organisation among `ids`, locked FOR UPDATE in id order (one lock order
 * for everyone: no deadlock), each with what succeeded payments have paid of it and what
 * settling it does beside marking it paid: a pending order to fulfil, renewal lines to extend.
 */
export const invoicesToPay = (trx: Executor, accountId: number, ids: number[], n = ids.length) =>
  trx
    .selectFrom('invoices as i')
    .select((eb) => [
      'i.id',
      'i.status',
      'i.total',
      paidOfInvoice(trx, eb.ref('i.id')).as('paid'),
      eb
        .exists(
          eb
            .selectFrom('orders as o')
            .select('o.id')
            .whereRef('o.invoice_id', '=', 'i.id')
            .where('o.status', '=', 'pending'),
        )
        .as('has_pending_order'),
      eb
        .and([
          eb('i.kind', '=', 'renewal'),
          eb.exists(
            eb
              .selectFrom('invoice_lines as l')
              .select('l.id')
              .whereRef('l.invoice_id', '=', 'i.id')
              .where('l.product_id', 'is not', null)
              .where('l.period_months', 'is not', null),
          ),
        ])
        .as('renews'),
    ])
    .where('i.account_id', '=', accountId)
    .where('i.id', 'in', standInsFor(ids, n))
    .orderBy('i.id')
    .forUpdate();

export function chargesRepository(db: Executor) {
  return { ...chargeMethods(db), ...chargeRecords(db), ...chargeSettlement(db) };
}
export type ChargesRepository = ReturnType<typeof chargesRepository>;

/** Row locks of a charge, held until the transaction ends (every payment takes the account's first). */
/** The organisation's row locked FOR NO KEY UPDATE, with its currency: the lock every payment takes first. */
export const accountLock = (db: Executor, accountId: number) =>
  db.selectFrom('accounts').select(['id', 'currency']).where('id', '=', accountId).forNoKeyUpdate();

export function chargeLocks(trx: Trx) {
  return {
    /** Locks the organisation's prepaid state (FOR NO KEY UPDATE on its accounts row): every payment takes it first. */
    account: (accountId: number) => accountLock(trx, accountId).executeTakeFirstOrThrow(),

    /** The invoices, locked FOR UPDATE in id order (one lock order for everyone: no deadlock). */
    invoices: (accountId: number, ids: number[]) =>
      trx
        .selectFrom('invoices')
        .select(['id', 'status', 'total', 'currency'])
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .orderBy('id')
        .forUpdate()
        .execute(),

    /**
     * The invoices to pay, locked FOR UPDATE in id order (`invoicesToPay`), with the prepaid
     * balance when asked. Run once the organisation's row is locked: whoever writes these rows
     * or the ledger holds that lock first, so this one statement reads what the payment acts on.
     */
    invoicesToPay: (accountId: number, ids: number[], withBalance: boolean) =>
      invoicesToPay(trx, accountId, ids)
        .$if(withBalance, (q) => q.select(balanceOf(trx, accountId).as('balance')))
        .execute(),

    /** The product's expiry, locked: two payments renewing it extend it one after the other. */
    productExpiry: (productId: number) =>
      trx
        .selectFrom('products')
        .select(['id', 'expired_at'])
        .where('id', '=', productId)
        .forUpdate()
        .executeTakeFirst(),
  };
}
