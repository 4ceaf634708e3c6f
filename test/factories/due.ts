import type { Db } from '../../src/db/database.js';

// The billing/due and renewals routes as the tests call them.

export const dueUrl = (accountId: number, window?: string) =>
  `/1/accounts/${accountId}/billing/due${window ? `?window=${window}` : ''}`;
export const renewalsUrl = (accountId: number) => `/1/accounts/${accountId}/renewals`;

export const DUE_FIELDS = ['currency', 'invoices', 'products'];
export const DUE_INVOICE_FIELDS = ['amount_due', 'due_at', 'id', 'number', 'total'];
export const DUE_PRODUCT_FIELDS = ['customer_name', 'expired_at', 'id', 'renewal_periods', 'service_name'];

export const productRow = (db: Db, id: number) =>
  db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Every price of one service and variant in a currency, period → amount (the test's reference). */
export async function priceTable(db: Db, service: string, variant: string, currency: 'CHF' | 'EUR') {
  const rows = await db
    .selectFrom('prices')
    .select(['period_months', 'amount'])
    .where('service_name', '=', service)
    .where('variant', '=', variant)
    .where('currency', '=', currency)
    .orderBy('period_months')
    .execute();
  return rows.map((r) => ({ period_months: r.period_months, amount: Number(r.amount) }));
}
