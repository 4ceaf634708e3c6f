import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { ListParams } from '../../shared/pagination.js';

export type Currency = 'CHF' | 'EUR';

export interface InvoiceFilters {
  status?: 'unpaid' | 'paid' | 'cancelled' | 'proforma';
  due_from?: number;
  due_to?: number;
}

const INVOICE_SORT: Record<string, ReturnType<typeof sql>> = {
  due_at: sql`due_at`, issued_at: sql`issued_at`, total: sql`total`,
};
export const INVOICE_SORTABLE = Object.keys(INVOICE_SORT);
export const ORDER_SORTABLE = ['created_at', 'id'];
export const PRICE_SORTABLE = ['service_name', 'variant', 'currency', 'period_months', 'amount', 'id'];

const INVOICE_COLUMNS = [
  'id', 'account_id', 'number', 'kind', 'status', 'currency', 'subtotal', 'vat_rate_bp', 'vat_amount', 'total',
  'issued_at', 'due_at', 'paid_at',
] as const;

export function invoicesRepository(db: Executor) {
  return {
    async listPrices(f: { service_name?: string; currency?: Currency }, p: ListParams) {
      let base = db.selectFrom('prices');
      if (f.service_name) base = base.where('service_name', '=', f.service_name);
      if (f.currency) base = base.where('currency', '=', f.currency);
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      if (p.totalOnly) return { rows: [], total: Number(total) };
      let q = base.select(['id', 'service_name', 'variant', 'currency', 'period_months', 'amount']);
      for (const s of p.sort) q = q.orderBy(sql.ref(s.field), s.dir);
      q = q.orderBy('id').offset(p.offset);
      if (p.limit !== undefined) q = q.limit(p.limit);
      return { rows: await q.execute(), total: Number(total) };
    },

    /** The whole price list in one currency (a few dozen rows). */
    pricesIn: (currency: Currency) =>
      db.selectFrom('prices').select(['service_name', 'variant', 'period_months', 'amount'])
        .where('currency', '=', currency).orderBy('period_months').execute(),

    /** The organisation's currency; the row stays share-locked so it cannot change under the order. */
    currencyOf: (accountId: number) =>
      db.selectFrom('accounts').select('currency').where('id', '=', accountId).forShare().executeTakeFirstOrThrow(),

    async nextInvoiceId() {
      const { rows } = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('invoices', 'id'))::int AS id`.execute(db);
      return rows[0]!.id;
    },

    insertInvoice(row: {
      id: number; account_id: number; number: string; kind: 'order' | 'renewal'; currency: Currency; subtotal: number;
      vat_rate_bp: number; vat_amount: number; total: number; issued_at: number; due_at: number;
    }) {
      return db.insertInto('invoices').values(row).execute();
    },

    insertLines(rows: { invoice_id: number; description: string; service_name: string; period_months: number; amount: number; product_id?: number; renews_expired_at?: number }[]) {
      return db.insertInto('invoice_lines').values(rows).execute();
    },

    insertOrder: (row: { account_id: number; invoice_id: number; created_by_id: number; created_at: number }) =>
      db.insertInto('orders').values(row).returning('id').executeTakeFirstOrThrow(),

    insertItems(rows: { order_id: number; service_name: string; customer_name: string; period_months: number; amount: number }[]) {
      return db.insertInto('order_items').values(rows).execute();
    },

    async listOrders(accountId: number, status: string | undefined, p: ListParams) {
      let base = db.selectFrom('orders').where('account_id', '=', accountId);
      if (status) base = base.where('status', '=', status as 'pending');
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      if (p.totalOnly) return { rows: [], total: Number(total) };
      let q = base.select('id');
      for (const s of p.sort) q = q.orderBy(sql.ref(`orders.${s.field}`), s.dir);
      q = q.orderBy('id', 'desc').offset(p.offset);
      if (p.limit !== undefined) q = q.limit(p.limit);
      return { rows: await q.execute(), total: Number(total) };
    },

    /** Orders with their invoice's total and currency, in the order of `ids`. */
    async ordersByIds(accountId: number, ids: number[]) {
      if (!ids.length) return [];
      const rows = await db.selectFrom('orders as o').innerJoin('invoices as i', 'i.id', 'o.invoice_id')
        .select(['o.id', 'o.status', 'o.invoice_id', 'o.created_at', 'o.paid_at', 'i.total', 'i.currency'])
        .where('o.account_id', '=', accountId).where('o.id', 'in', ids).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
    },

    itemsOf(orderIds: number[]) {
      if (!orderIds.length) return Promise.resolve([]);
      return db.selectFrom('order_items').select(['id', 'order_id', 'service_name', 'customer_name', 'period_months', 'amount', 'product_id'])
        .where('order_id', 'in', orderIds).orderBy('id').execute();
    },

    async listInvoices(accountId: number, f: InvoiceFilters, p: ListParams) {
      let base = db.selectFrom('invoices').where('account_id', '=', accountId);
      if (f.status) base = base.where('status', '=', f.status);
      if (f.due_from !== undefined) base = base.where('due_at', '>=', f.due_from);
      if (f.due_to !== undefined) base = base.where('due_at', '<=', f.due_to);
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      if (p.totalOnly) return { rows: [], total: Number(total) };
      let q = base.select(INVOICE_COLUMNS);
      for (const s of p.sort) q = q.orderBy(sql`${INVOICE_SORT[s.field]} ${sql.raw(s.dir)}`);
      q = q.orderBy('id', 'desc').offset(p.offset);
      if (p.limit !== undefined) q = q.limit(p.limit);
      return { rows: await q.execute(), total: Number(total) };
    },

    findInvoice: (accountId: number, invoiceId: number) =>
      db.selectFrom('invoices').select(INVOICE_COLUMNS).where('account_id', '=', accountId).where('id', '=', invoiceId).executeTakeFirst(),

    linesOf(invoiceIds: number[]) {
      if (!invoiceIds.length) return Promise.resolve([]);
      return db.selectFrom('invoice_lines').select(['id', 'invoice_id', 'description', 'service_name', 'product_id', 'period_months', 'amount'])
        .where('invoice_id', 'in', invoiceIds).orderBy('id').execute();
    },

    /** What succeeded payments have paid of each invoice. */
    async paidOf(invoiceIds: number[]) {
      if (!invoiceIds.length) return new Map<number, number>();
      const rows = await db.selectFrom('payment_invoices as pi').innerJoin('payments as p', 'p.id', 'pi.payment_id')
        .select(['pi.invoice_id', sql<number>`sum(pi.amount)::bigint`.as('paid')])
        .where('pi.invoice_id', 'in', invoiceIds).where('p.status', '=', 'succeeded').groupBy('pi.invoice_id').execute();
      return new Map(rows.map((r) => [r.invoice_id, Number(r.paid)]));
    },

    async orderIdsOf(invoiceIds: number[]) {
      if (!invoiceIds.length) return new Map<number, number>();
      const rows = await db.selectFrom('orders').select(['id', 'invoice_id']).where('invoice_id', 'in', invoiceIds).execute();
      return new Map(rows.map((r) => [r.invoice_id, r.id]));
    },

    accountForPdf: (accountId: number) => db.selectFrom('accounts').select(['name', 'vat_number']).where('id', '=', accountId).executeTakeFirstOrThrow(),

    addressForPdf: (accountId: number) =>
      db.selectFrom('account_addresses').select(['street', 'street2', 'zip', 'city', 'country_id'])
        .where('account_id', '=', accountId).orderBy('for_invoice', 'desc').orderBy('id').executeTakeFirst(),
  };
}
export type InvoicesRepository = ReturnType<typeof invoicesRepository>;
