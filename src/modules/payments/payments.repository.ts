import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { pageOf, sortFields, type SortColumns } from '../../db/paged.js';
import type { PaymentsTable } from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';
import { PAYMENT_COLUMNS, type Trx } from '../charges/index.js';

// The payments' own rows; inserting a payment, its invoices and the ledger are the charges module's.

const PAYMENT_SORT = {
  id: sql`id`,
  created_at: sql`created_at`,
  amount: sql`amount`,
  status: sql`status`,
} satisfies SortColumns<string>;
export const PAYMENT_SORTABLE = sortFields(PAYMENT_SORT);

/** The payments, and the orders and invoices they pay. */
function paymentReads(db: Executor) {
  return {
    orderOf: (accountId: number, orderId: number) =>
      db
        .selectFrom('orders')
        .select(['id', 'invoice_id'])
        .where('account_id', '=', accountId)
        .where('id', '=', orderId)
        .executeTakeFirst(),

    find: (accountId: number, id: number) =>
      db
        .selectFrom('payments')
        .select([...PAYMENT_COLUMNS])
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst(),

    list(accountId: number, status: PaymentsTable['status'] | undefined, p: ListParams<keyof typeof PAYMENT_SORT>) {
      let base = db.selectFrom('payments').where('account_id', '=', accountId);
      if (status) base = base.where('status', '=', status);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      return pageOf(count, base.select([...PAYMENT_COLUMNS]), p, PAYMENT_SORT, sql`id desc`);
    },
  };
}

/** Which invoices each payment pays, and how much of each. */
function paymentShares(db: Executor) {
  return {
    async invoiceIdsOf(paymentIds: number[]) {
      const out = new Map<number, number[]>();
      if (!paymentIds.length) return out;
      const rows = await db
        .selectFrom('payment_invoices')
        .select(['payment_id', 'invoice_id', 'amount'])
        .where('payment_id', 'in', paymentIds)
        .orderBy('invoice_id')
        .execute();
      for (const r of rows) out.set(r.payment_id, [...(out.get(r.payment_id) ?? []), r.invoice_id]);
      return out;
    },

    shares: (paymentId: number) =>
      db
        .selectFrom('payment_invoices')
        .select(['invoice_id', 'amount'])
        .where('payment_id', '=', paymentId)
        .orderBy('invoice_id')
        .execute(),
  };
}

/** Pending charges and a payment's outcome; an IBAN transfer's reference. */
function paymentWrites(db: Executor) {
  return {
    /**
     * Pending charges of saved methods whose tokens start with one of `tokenPrefixes`, made at or
     * before `chargedBy`, oldest first (IBAN transfers wait for their transfer to be recorded).
     */
    pendingCharges: (chargedBy: number, tokenPrefixes: readonly string[], limit: number) =>
      db
        .selectFrom('payments as p')
        .innerJoin('payment_methods as m', 'm.id', 'p.payment_method_id')
        .select(['p.id', 'p.account_id', 'p.created_at', 'm.kind', 'm.processor_token'])
        .where('p.status', '=', 'pending')
        .where('p.method', '!=', 'iban')
        .where('p.created_at', '<=', chargedBy)
        .where((eb) => eb.or(tokenPrefixes.map((prefix) => eb('m.processor_token', 'like', `${prefix}%`))))
        .orderBy('p.id')
        .limit(limit)
        .execute(),

    /** The method a payment charged (its kind says whether it may renew automatically). */
    methodOf: (id: number) =>
      db.selectFrom('payment_methods').select(['id', 'kind', 'label']).where('id', '=', id).executeTakeFirst(),

    setBankReference: (ids: number[], reference: string) =>
      db.updateTable('invoices').set({ bank_reference: reference }).where('id', 'in', ids).execute(),

    setStatus: (id: number, status: 'succeeded') =>
      db.updateTable('payments').set({ status }).where('id', '=', id).execute(),

    /** A pending payment that will not be paid: failed, with why. */
    setFailed: (id: number, failureCode: string) =>
      db.updateTable('payments').set({ status: 'failed', failure_code: failureCode }).where('id', '=', id).execute(),
  };
}

export function paymentsRepository(db: Executor) {
  return { ...paymentReads(db), ...paymentShares(db), ...paymentWrites(db) };
}
export type PaymentsRepository = ReturnType<typeof paymentsRepository>;

/** Row locks of a payment, held until the transaction ends. */
export function paymentLocks(trx: Trx) {
  return {
    payment: (accountId: number, id: number) =>
      trx
        .selectFrom('payments')
        .select([...PAYMENT_COLUMNS])
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst(),
  };
}
export type PaymentLocks = ReturnType<typeof paymentLocks>;
