import type { Db } from '../../src/db/database.js';
import { call } from '../helper.js';
import type { App } from './organisations.js';

// The billing routes of the invoices module as the tests call them, and the scene they need:
// an organisation in a given currency, orders placed through the API, invoices shaped by hand.

export const pricesUrl = '/1/billing/prices';
export const ordersUrl = (accountId: number) => `/1/accounts/${accountId}/orders`;
export const orderUrl = (accountId: number, orderId: number) => `/1/accounts/${accountId}/orders/${orderId}`;
export const invoicesUrl = (accountId: number) => `/1/accounts/${accountId}/invoices`;
export const invoiceUrl = (accountId: number, invoiceId: number) => `/1/accounts/${accountId}/invoices/${invoiceId}`;

export const ORDER_FIELDS = ['created_at', 'currency', 'id', 'invoice_id', 'items', 'paid_at', 'status', 'total'];
export const ORDER_ITEM_FIELDS = ['amount', 'customer_name', 'id', 'period_months', 'product_id', 'service_name'];
export const INVOICE_FIELDS = [
  'amount_due',
  'amount_paid',
  'currency',
  'due_at',
  'id',
  'issued_at',
  'kind',
  'lines',
  'number',
  'order_id',
  'paid_at',
  'status',
  'subtotal',
  'total',
  'vat_amount',
  'vat_rate',
];
export const LINE_FIELDS = ['amount', 'description', 'id', 'period_months', 'product_id', 'service_name'];

export interface OrderItemInput {
  service_name: string;
  customer_name: string;
  period_months: number;
}

export const setCurrency = (db: Db, accountId: number, currency: 'CHF' | 'EUR') =>
  db.updateTable('accounts').set({ currency }).where('id', '=', accountId).execute();

/** The price of one item in the seeded list, read from the database (the test's reference). */
export async function priceOf(db: Db, service: string, variant: string, currency: 'CHF' | 'EUR', months: number) {
  const row = await db
    .selectFrom('prices')
    .select('amount')
    .where('service_name', '=', service)
    .where('variant', '=', variant)
    .where('currency', '=', currency)
    .where('period_months', '=', months)
    .executeTakeFirstOrThrow();
  return Number(row.amount);
}

/** Places an order through the API and answers the created order (fails loudly otherwise). */
export async function placeOrder(app: App, token: string, accountId: number, items: OrderItemInput[]) {
  const res = await call(app, token, 'POST', ordersUrl(accountId), { items });
  if (res.statusCode !== 201) throw new Error(`order refused: ${res.statusCode} ${res.body}`);
  return res.json().data as {
    id: number;
    invoice_id: number;
    total: number;
    items: { id: number; product_id: number | null }[];
  };
}

/** Sets an invoice's status and dates directly, to shape the lists the filters are tried on. */
export const reshapeInvoice = (
  db: Db,
  invoiceId: number,
  set: {
    status?: 'unpaid' | 'paid' | 'cancelled' | 'proforma';
    due_at?: number;
    issued_at?: number;
    paid_at?: number | null;
  },
) =>
  db
    .updateTable('invoices')
    .set(set as never)
    .where('id', '=', invoiceId)
    .execute();
