import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type Selectable,
  type Transaction,
} from 'kysely';
import type { Executor } from '../../db/database.js';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { keptTotal } from '../../db/kept-totals.js';
import { pageOf, shapedPage, sortFields, type SortColumns } from '../../db/paged.js';
import type {
  Database,
  InvoiceLinesTable,
  InvoicesTable,
  OrderItemsTable,
  OrdersTable,
  ProductsTable,
} from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';

import type { Currency } from '../../db/types.js';

export type { Currency };

export interface InvoiceFilters {
  status?: 'unpaid' | 'paid' | 'cancelled' | 'proforma';
  due_from?: number;
  due_to?: number;
}

const INVOICE_SORT = {
  due_at: sql`due_at`,
  issued_at: sql`issued_at`,
  total: sql`total`,
} satisfies SortColumns<string>;
export const INVOICE_SORTABLE = sortFields(INVOICE_SORT);
const ORDER_SORT = { created_at: sql`orders.created_at`, id: sql`orders.id` } satisfies SortColumns<string>;
export const ORDER_SORTABLE = sortFields(ORDER_SORT);
const PRICE_SORT = {
  service_name: sql`service_name`,
  variant: sql`variant`,
  currency: sql`currency`,
  period_months: sql`period_months`,
  amount: sql`amount`,
  id: sql`id`,
} satisfies SortColumns<string>;
export const PRICE_SORTABLE = sortFields(PRICE_SORT);

type OrderStatus = Selectable<OrdersTable>['status'];

/** The columns the invoices presenter reads. */
export const INVOICE_COLUMNS = [
  'id',
  'account_id',
  'number',
  'kind',
  'status',
  'currency',
  'subtotal',
  'vat_rate_bp',
  'vat_amount',
  'total',
  'issued_at',
  'due_at',
  'paid_at',
] as const;

/**
 * What makes an invoice row a whole invoice document, selected with it as correlated
 * subqueries: its lines (a JSON array), what succeeded payments paid of it, its order. One
 * statement for a page of invoices, instead of one per part.
 */
export const invoiceParts =
  (db: Executor) => (eb: ExpressionBuilder<Database & { invoices: InvoicesTable }, 'invoices'>) => [
    jsonArrayFrom(
      eb
        .selectFrom('invoice_lines as l')
        .select(['l.id', 'l.description', 'l.service_name', 'l.product_id', 'l.period_months', 'l.amount'])
        .whereRef('l.invoice_id', '=', 'invoices.id')
        .orderBy('l.id'),
    ).as('lines'),
    paidOfInvoice(db, sql.ref('invoices.id')).as('amount_paid'),
    eb.selectFrom('orders as o').select('o.id').whereRef('o.invoice_id', '=', 'invoices.id').limit(1).as('order_id'),
  ];

/** The price list, and the currency it is read in. */
function priceRows(db: Executor) {
  return {
    async listPrices(f: { service_name?: string; currency?: Currency }, p: ListParams<keyof typeof PRICE_SORT>) {
      let base = db.selectFrom('prices');
      if (f.service_name) base = base.where('service_name', '=', f.service_name);
      if (f.currency) base = base.where('currency', '=', f.currency);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      const rows = base.select(['id', 'service_name', 'variant', 'currency', 'period_months', 'amount']);
      const { items, total } = await pageOf(count, rows, p, PRICE_SORT, sql`id`);
      return { rows: items, total };
    },

    /** The whole price list in one currency (a few dozen rows). */
    pricesIn: (currency: Currency) =>
      db
        .selectFrom('prices')
        .select(['service_name', 'variant', 'period_months', 'amount'])
        .where('currency', '=', currency)
        .orderBy('period_months')
        .execute(),
  };
}

/** Orders and their items. */
function orderRows(db: Executor) {
  return {
    insertOrder: (row: Insertable<OrdersTable>) =>
      db.insertInto('orders').values(row).returning('id').executeTakeFirstOrThrow(),

    insertItems(rows: Insertable<OrderItemsTable>[]) {
      return db.insertInto('order_items').values(rows).execute();
    },

    async listOrders(accountId: number, status: OrderStatus | undefined, p: ListParams<keyof typeof ORDER_SORT>) {
      let base = db.selectFrom('orders').where('account_id', '=', accountId);
      if (status) base = base.where('status', '=', status);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      const { items, total } = await pageOf(count, base.select('id'), p, ORDER_SORT, sql`orders.id desc`);
      return { rows: items, total };
    },

    /** Orders with their invoice's total and currency, in the order of `ids`. */
    async ordersByIds(accountId: number, ids: number[]) {
      if (!ids.length) return [];
      const rows = await db
        .selectFrom('orders as o')
        .innerJoin('invoices as i', 'i.id', 'o.invoice_id')
        .select(['o.id', 'o.status', 'o.invoice_id', 'o.created_at', 'o.paid_at', 'i.total', 'i.currency'])
        .where('o.account_id', '=', accountId)
        .where('o.id', 'in', ids)
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
    },

    itemsOf(orderIds: number[]) {
      if (!orderIds.length) return Promise.resolve([]);
      return db
        .selectFrom('order_items')
        .select(['id', 'order_id', 'service_name', 'customer_name', 'period_months', 'amount', 'product_id'])
        .where('order_id', 'in', orderIds)
        .orderBy('id')
        .execute();
    },
  };
}

/** Writing an invoice: its id from the sequence, the invoice row and its lines. */
function invoiceWrites(db: Executor) {
  return {
    async nextInvoiceId() {
      const { rows } = await sql<{
        id: number;
      }>`SELECT nextval(pg_get_serial_sequence('invoices', 'id'))::int AS id`.execute(db);
      // nextval answers exactly one row.
      return rows[0].id;
    },

    insertInvoice(row: Insertable<InvoicesTable> & { id: number; kind: 'order' | 'renewal' }) {
      return db.insertInto('invoices').values(row).execute();
    },

    insertLines(rows: Insertable<InvoiceLinesTable>[]) {
      return db.insertInto('invoice_lines').values(rows).execute();
    },
  };
}

/** The filters' values, bound on each call (shaped.ts); the shape says which are given. */
interface InvoiceValues {
  accountId: number;
  from: number | undefined;
  to: number | undefined;
}

const invoiceShape = (f: InvoiceFilters) => ({
  status: f.status,
  from: f.due_from !== undefined,
  to: f.due_to !== undefined,
});

/** A page of an organisation's invoices with their lines and what was paid, and their count. */
const invoicePage = shapedPage(
  (db, v: InvoiceValues, f: ReturnType<typeof invoiceShape>) => {
    let base = db.selectFrom('invoices').where('account_id', '=', v.accountId);
    if (f.status) base = base.where('status', '=', f.status);
    if (f.from) base = base.where('due_at', '>=', v.from ?? 0);
    if (f.to) base = base.where('due_at', '<=', v.to ?? 0);
    const count =
      f.status || f.from || f.to
        ? base.select((eb) => eb.fn.countAll<number>().as('total'))
        : db.selectNoFrom(keptTotal(v.accountId, 'invoices').as('total'));
    return { count, rows: base.select(INVOICE_COLUMNS).select(invoiceParts(db)) };
  },
  INVOICE_SORT,
  sql`id desc`,
);

/** Reading invoices, their lines and what was paid of them. */
function invoiceReads(db: Executor) {
  return {
    async listInvoices(accountId: number, f: InvoiceFilters, p: ListParams<keyof typeof INVOICE_SORT>) {
      const { items, total } = await invoicePage(db, { accountId, from: f.due_from, to: f.due_to }, invoiceShape(f), p);
      return { rows: items, total };
    },

    findInvoice: (accountId: number, invoiceId: number) =>
      db
        .selectFrom('invoices')
        .select(INVOICE_COLUMNS)
        .select(invoiceParts(db))
        .where('account_id', '=', accountId)
        .where('id', '=', invoiceId)
        .executeTakeFirst(),
  };
}

/**
 * What succeeded payments have paid of one invoice, as a scalar subquery of a query over
 * invoices (`invoiceId` being its id column): a payment reads it in the statement that locks
 * the invoice.
 */
export const paidOfInvoice = (db: Executor, invoiceId: Expression<number>) =>
  db
    .selectFrom('payment_invoices as pi')
    .innerJoin('payments as p', 'p.id', 'pi.payment_id')
    .select(sql<number>`coalesce(sum(pi.amount), 0)::bigint`.as('paid'))
    .where('pi.invoice_id', '=', invoiceId)
    .where('p.status', '=', 'succeeded');

/** Invoices, their lines and what was paid of them. */
function invoiceRows(db: Executor) {
  return { ...invoiceWrites(db), ...invoiceReads(db) };
}

/** What an invoice's PDF shows of the organisation. */
function pdfRows(db: Executor) {
  return {
    accountForPdf: (accountId: number) =>
      db.selectFrom('accounts').select(['name', 'vat_number']).where('id', '=', accountId).executeTakeFirstOrThrow(),

    addressForPdf: (accountId: number) =>
      db
        .selectFrom('account_addresses')
        .select(['street', 'street2', 'zip', 'city', 'country_id'])
        .where('account_id', '=', accountId)
        .orderBy('for_invoice', 'desc')
        .orderBy('id')
        .executeTakeFirst(),
  };
}

export function invoicesRepository(db: Executor) {
  return { ...priceRows(db), ...orderRows(db), ...invoiceRows(db), ...pdfRows(db) };
}
export type InvoicesRepository = ReturnType<typeof invoicesRepository>;

/** The row locks issuing an invoice takes: only inside its transaction. */
export function invoiceLocks(trx: Transaction<Database>) {
  return {
    /** The organisation's currency; the row stays share-locked so it cannot change under the invoice. */
    currencyOf: (accountId: number) =>
      trx.selectFrom('accounts').select('currency').where('id', '=', accountId).forShare().executeTakeFirstOrThrow(),
  };
}

/** The rows paying an order writes (fulfil.ts); it runs inside the payment's transaction, which its lock needs. */
export function fulfilmentRepository(trx: Transaction<Database>) {
  return {
    /** The order with its invoice's currency, locked FOR UPDATE: an order is fulfilled once. */
    lockOrder: (orderId: number) =>
      trx
        .selectFrom('orders as o')
        .innerJoin('invoices as i', 'i.id', 'o.invoice_id')
        .select(['o.id', 'o.account_id', 'o.status', 'o.invoice_id', 'i.currency'])
        .where('o.id', '=', orderId)
        .forUpdate('o')
        .executeTakeFirst(),

    itemsOf: (orderId: number) =>
      trx.selectFrom('order_items').selectAll().where('order_id', '=', orderId).orderBy('id').execute(),

    /** The periods the price list has for these services in the currency, shortest first. */
    periodsOf: (currency: Currency, serviceNames: string[]) =>
      trx
        .selectFrom('prices')
        .select(['service_name', 'variant', 'period_months'])
        .where('currency', '=', currency)
        .where('service_name', 'in', serviceNames)
        .orderBy('period_months')
        .execute(),

    lineIdsOf: (invoiceId: number) =>
      trx.selectFrom('invoice_lines').select('id').where('invoice_id', '=', invoiceId).orderBy('id').execute(),

    insertProduct: (row: Insertable<ProductsTable>) =>
      trx.insertInto('products').values(row).returning('id').executeTakeFirstOrThrow(),

    setItemProduct: (itemId: number, productId: number) =>
      trx.updateTable('order_items').set({ product_id: productId }).where('id', '=', itemId).execute(),

    setLineProduct: (lineId: number, productId: number) =>
      trx.updateTable('invoice_lines').set({ product_id: productId }).where('id', '=', lineId).execute(),

    markOrderPaid: (orderId: number, at: number) =>
      trx.updateTable('orders').set({ status: 'paid', paid_at: at }).where('id', '=', orderId).execute(),

    supportPremiumUntil: (accountId: number) =>
      trx.selectFrom('accounts').select('support_premium_until').where('id', '=', accountId).executeTakeFirstOrThrow(),

    setSupportPremiumUntil: (accountId: number, until: number) =>
      trx.updateTable('accounts').set({ support_premium_until: until }).where('id', '=', accountId).execute(),
  };
}
