import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';

const PAYMENT_COLUMNS = [
  'id', 'status', 'method', 'payment_method_id', 'currency', 'amount', 'prepaid_amount', 'processor_reference', 'failure_code', 'created_at',
] as const;
export const PAYMENT_SORTABLE = ['id', 'created_at', 'amount', 'status'] as const;

export type Trx = Transaction<Database>;

export const paymentsRepository = {
  /** The invoices, locked FOR UPDATE in id order (one lock order for everyone: no deadlock). */
  lockInvoices: (trx: Trx, accountId: number, ids: number[]) =>
    trx.selectFrom('invoices').select(['id', 'status', 'total', 'currency'])
      .where('account_id', '=', accountId).where('id', 'in', ids).orderBy('id').forUpdate().execute(),

  orderOf: (db: Executor, accountId: number, orderId: number) =>
    db.selectFrom('orders').select(['id', 'invoice_id']).where('account_id', '=', accountId).where('id', '=', orderId).executeTakeFirst(),

  /** Pending orders whose invoice is one of these. */
  pendingOrdersOf: (trx: Trx, invoiceIds: number[]) =>
    trx.selectFrom('orders').select('id').where('invoice_id', 'in', invoiceIds).where('status', '=', 'pending').orderBy('id').execute(),

  async paidOf(db: Executor, invoiceIds: number[]) {
    const rows = await db.selectFrom('payment_invoices as pi').innerJoin('payments as p', 'p.id', 'pi.payment_id')
      .select(['pi.invoice_id', sql<number>`sum(pi.amount)::bigint`.as('paid')])
      .where('pi.invoice_id', 'in', invoiceIds).where('p.status', '=', 'succeeded').groupBy('pi.invoice_id').execute();
    return new Map(rows.map((r) => [r.invoice_id, Number(r.paid)]));
  },

  insertPayment: (trx: Executor, p: {
    account_id: number; status: 'succeeded' | 'pending' | 'failed'; method: Database['payments']['method']; payment_method_id: number | null;
    currency: 'EUR' | 'CHF'; amount: number; prepaid_amount: number; processor_reference: string | null; failure_code: string | null; created_by_id: number | null;
  }) => trx.insertInto('payments').values(p).returning([...PAYMENT_COLUMNS]).executeTakeFirstOrThrow(),

  async linkInvoices(trx: Executor, paymentId: number, shares: { invoice_id: number; amount: number }[]) {
    if (shares.length) await trx.insertInto('payment_invoices').values(shares.map((s) => ({ payment_id: paymentId, ...s }))).execute();
  },

  markPaid: (trx: Trx, ids: number[], at: number) =>
    trx.updateTable('invoices').set({ status: 'paid', paid_at: at }).where('id', 'in', ids).execute(),

  setBankReference: (trx: Trx, ids: number[], reference: string) =>
    trx.updateTable('invoices').set({ bank_reference: reference }).where('id', 'in', ids).execute(),

  find: (db: Executor, accountId: number, id: number) =>
    db.selectFrom('payments').select([...PAYMENT_COLUMNS]).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst(),

  findForUpdate: (trx: Trx, accountId: number, id: number) =>
    trx.selectFrom('payments').select([...PAYMENT_COLUMNS]).where('account_id', '=', accountId).where('id', '=', id).forUpdate().executeTakeFirst(),

  setStatus: (trx: Trx, id: number, status: 'succeeded') => trx.updateTable('payments').set({ status }).where('id', '=', id).execute(),

  /** A pending payment that will not be paid: failed, with why. */
  setFailed: (trx: Trx, id: number, failureCode: string) =>
    trx.updateTable('payments').set({ status: 'failed', failure_code: failureCode }).where('id', '=', id).execute(),

  /**
   * Pending charges of saved methods whose tokens start with one of `tokenPrefixes`, made at or
   * before `chargedBy`, oldest first (IBAN transfers wait for their transfer to be recorded).
   */
  pendingCharges: (db: Executor, chargedBy: number, tokenPrefixes: readonly string[], limit: number) =>
    db.selectFrom('payments as p').innerJoin('payment_methods as m', 'm.id', 'p.payment_method_id')
      .select(['p.id', 'p.account_id', 'p.created_at', 'm.kind', 'm.processor_token'])
      .where('p.status', '=', 'pending').where('p.method', '!=', 'iban').where('p.created_at', '<=', chargedBy)
      .where((eb) => eb.or(tokenPrefixes.map((prefix) => eb('m.processor_token', 'like', `${prefix}%`))))
      .orderBy('p.id').limit(limit).execute(),

  /** The method a payment charged (its kind says whether it may renew automatically). */
  methodOf: (db: Executor, id: number) =>
    db.selectFrom('payment_methods').select(['id', 'kind', 'label']).where('id', '=', id).executeTakeFirst(),

  async invoiceIdsOf(db: Executor, paymentIds: number[]) {
    const out = new Map<number, number[]>();
    if (!paymentIds.length) return out;
    const rows = await db.selectFrom('payment_invoices').select(['payment_id', 'invoice_id', 'amount'])
      .where('payment_id', 'in', paymentIds).orderBy('invoice_id').execute();
    for (const r of rows) out.set(r.payment_id, [...(out.get(r.payment_id) ?? []), r.invoice_id]);
    return out;
  },

  shares: (db: Executor, paymentId: number) =>
    db.selectFrom('payment_invoices').select(['invoice_id', 'amount']).where('payment_id', '=', paymentId).orderBy('invoice_id').execute(),

  async list(db: Executor, accountId: number, status: string | undefined, p: ListParams) {
    let base = db.selectFrom('payments').where('account_id', '=', accountId);
    if (status) base = base.where('status', '=', status as never);
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    if (p.totalOnly) return { items: [], total: Number(total) };
    let q = base.select([...PAYMENT_COLUMNS]);
    for (const s of p.sort) q = q.orderBy(s.field as (typeof PAYMENT_SORTABLE)[number], s.dir);
    q = q.orderBy('id', 'desc').offset(p.offset);
    if (p.limit !== undefined) q = q.limit(p.limit);
    return { items: await q.execute(), total: Number(total) };
  },
};
