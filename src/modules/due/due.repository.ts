import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import { INVOICE_COLUMNS, invoiceParts } from '../invoices/index.js';

// The rows of the due list and of a renewal; the invoice itself is written by the invoices repository.

/** What the due list shows: the organisation's currency, unpaid invoices and expiring products. */
function dueList(db: Executor) {
  return {
    currencyOf: (accountId: number) =>
      db.selectFrom('accounts').select('currency').where('id', '=', accountId).executeTakeFirstOrThrow(),

    /** The organisation's unpaid invoices, soonest due first (the columns the invoices presenter reads). */
    unpaidInvoices: (accountId: number) =>
      db
        .selectFrom('invoices')
        .select(INVOICE_COLUMNS)
        .select(invoiceParts(db))
        .where('account_id', '=', accountId)
        .where('status', '=', 'unpaid')
        .orderBy('due_at')
        .orderBy('id')
        .execute(),

    /** Products not deleted with an expiry, expiring at or before `until` when given; soonest first. */
    expiringProducts(accountId: number, until: number | null) {
      let q = db
        .selectFrom('products')
        .select(['id', 'service_name', 'customer_name', 'fqdn', 'expired_at'])
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null)
        .where('expired_at', 'is not', null);
      if (until !== null) q = q.where('expired_at', '<=', until);
      return q.orderBy('expired_at').orderBy('id').execute();
    },
  };
}

/** What a renewal reads: the products it renews and the renewal invoices already issued. */
function renewalRows(db: Executor) {
  return {
    /** The renewal invoices already issued for these products' current period (the expiry they have now). */
    renewalsOfCurrentPeriod: (productIds: number[]) =>
      db
        .selectFrom('invoice_lines as l')
        .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
        .innerJoin('products as p', 'p.id', 'l.product_id')
        .select(['l.product_id', 'i.id as invoice_id', 'i.status'])
        .where('l.product_id', 'in', productIds)
        .where(sql<boolean>`l.renews_expired_at = coalesce(p.expired_at, 0)`)
        .orderBy('l.product_id')
        .orderBy('i.id')
        .execute(),

    /** The lines of a renewal invoice that name a product. */
    renewalLinesOf: (invoiceId: number) =>
      db
        .selectFrom('invoice_lines')
        .select(['product_id', 'period_months', 'renews_expired_at'])
        .where('invoice_id', '=', invoiceId)
        .where('product_id', 'is not', null)
        .orderBy('id')
        .execute(),
  };
}

export function dueRepository(db: Executor) {
  return { ...dueList(db), ...renewalRows(db) };
}

/** The row locks a renewal by hand takes: only inside its transaction. */
export function dueLocks(trx: Transaction<Database>) {
  return {
    /**
     * The organisation's live products among `ids`, locked in id order: a renewal of the same
     * product (by hand, the renewal run, a payment extending it) waits for this one.
     */
    productsForRenewal: (accountId: number, ids: number[]) =>
      trx
        .selectFrom('products')
        .select(['id', 'service_name', 'customer_name', 'fqdn', 'expired_at'])
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .forUpdate()
        .execute(),
  };
}
