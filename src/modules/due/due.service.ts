import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import { inIdempotentTransaction, type IdempotencyStep } from '../idempotency/index.js';
import { requireBilling } from '../accounts/index.js';
import { AppError, fieldError, notFound, validationFailed, type FieldError } from '../../shared/errors.js';
import { nowSeconds } from '../../shared/time.js';
import { addMonths, invoiceLocks, invoicesRepository, presentInvoices, type PriceRow } from '../invoices/index.js';
import { issueRenewalInvoice, type RenewalLine } from './renew.js';
import { dueLocks, dueRepository } from './due.repository.js';
import type { CreateRenewalInput, DueQueryInput } from './due.schemas.js';
import { renewalPeriods } from './renewal-prices.js';

export const DEFAULT_WINDOW_MONTHS = 2;

type Invoice = Awaited<ReturnType<typeof presentInvoices>>[number];

/** Each product once in a renewal (422 naming the repeated items); answers the product ids. */
function distinctProducts(items: CreateRenewalInput['items']) {
  const seen = new Map<number, number>();
  const duplicates: FieldError[] = [];
  items.forEach((item, i) => {
    if (seen.has(item.product_id)) {
      duplicates.push(
        fieldError(
          `items.${i}.product_id`,
          'distinct',
          `Product ${item.product_id} is already item ${seen.get(item.product_id)}`,
        ),
      );
    } else seen.set(item.product_id, i);
  });
  if (duplicates.length) throw validationFailed(duplicates);
  return [...seen.keys()];
}

/** The products, locked; 404 for one that is not the organisation's, 409 for a period already invoiced. */
async function lockRenewable(trx: Transaction<Database>, accountId: number, productIds: number[]) {
  const due = dueRepository(trx);
  const products = await dueLocks(trx).productsForRenewal(accountId, productIds);
  if (products.length !== productIds.length) throw notFound('Product');
  const issued = await due.renewalsOfCurrentPeriod(productIds);
  if (issued.length) {
    throw new AppError(
      'conflict_error',
      'These products already have a renewal invoice for their current period: pay it (POST …/payments) or wait until it is paid',
      {
        product_ids: [...new Set(issued.map((r) => r.product_id))],
        invoice_ids: [...new Set(issued.map((r) => r.invoice_id))],
      },
    );
  }
  return new Map(products.map((p) => [p.id, p]));
}

type Renewable = Awaited<ReturnType<typeof lockRenewable>> extends Map<number, infer P> ? P : never;

/** Each item priced from the list (422 naming an item whose period the product does not have). */
function pricedLines(
  items: CreateRenewalInput['items'],
  byId: Map<number, Renewable>,
  prices: PriceRow[],
): RenewalLine[] {
  const errors: FieldError[] = [];
  const lines = items.flatMap((item, i) => {
    const product = byId.get(item.product_id);
    // lockRenewable has found every product of the items.
    if (!product) throw notFound('Product');
    const periods = renewalPeriods(product, prices);
    const price = periods.find((p) => p.period_months === item.period_months);
    if (!price) {
      const allowed = periods.map((p) => p.period_months);
      errors.push(
        fieldError(
          `items.${i}.period_months`,
          'in',
          allowed.length
            ? `Allowed periods for this product: ${allowed.join(', ')} months`
            : 'This product cannot be renewed from the price list',
          allowed,
        ),
      );
      return [];
    }
    return [{ product, period_months: item.period_months, amount: price.amount }];
  });
  if (errors.length) throw validationFailed(errors);
  return lines;
}

export function dueService(db: Db) {
  const guard = (userId: number, accountId: number) => requireBilling(db, accountId, userId);

  return {
    guard,

    /** What the organisation has to pay: unpaid invoices and products coming up for renewal, priced. */
    async due(userId: number, accountId: number, q: DueQueryInput) {
      await guard(userId, accountId);
      const repo = dueRepository(db);
      const invoices = invoicesRepository(db);
      const { currency } = await repo.currencyOf(accountId);
      const until = (q.window ?? '2m') === 'all' ? null : addMonths(nowSeconds(), DEFAULT_WINDOW_MONTHS);
      const [unpaid, products, prices] = await Promise.all([
        repo.unpaidInvoices(accountId),
        repo.expiringProducts(accountId, until),
        invoices.pricesIn(currency),
      ]);
      const presented = presentInvoices(unpaid);
      return {
        currency,
        invoices: presented.map((i) => ({
          id: i.id,
          number: i.number,
          total: i.total,
          amount_due: i.amount_due,
          due_at: i.due_at,
        })),
        products: products.map((p) => ({
          id: p.id,
          service_name: p.service_name,
          customer_name: p.customer_name,
          expired_at: p.expired_at,
          renewal_periods: renewalPeriods(p, prices),
        })),
      };
    },

    /** One unpaid 'renewal' invoice, a line per product; paying it extends the products. The caller is guarded. */
    async renew(accountId: number, body: CreateRenewalInput, step?: IdempotencyStep<Invoice>) {
      const productIds = distinctProducts(body.items);
      return inIdempotentTransaction(db, step, async (trx) => {
        const r = invoicesRepository(trx);
        const { currency } = await invoiceLocks(trx).currencyOf(accountId);
        const byId = await lockRenewable(trx, accountId, productIds);
        const lines = pricedLines(body.items, byId, await r.pricesIn(currency));
        const invoiceId = await issueRenewalInvoice(trx, accountId, currency, lines, nowSeconds());
        const row = await r.findInvoice(accountId, invoiceId);
        if (!row) throw notFound('Invoice');
        // Presented inside the transaction: it is the answer stored with the key. One row in, one out.
        return presentInvoices([row])[0];
      });
    },
  };
}
