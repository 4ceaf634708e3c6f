import type { Db } from '../../db/database.js';
import { inIdempotentTransaction, type IdempotencyStep } from '../idempotency/index.js';
import { requireBilling } from '../accounts/index.js';
import { AppError, fieldError, notFound, validationFailed, type FieldError } from '../../shared/errors.js';
import { nowSeconds } from '../../shared/time.js';
import { invoicesRepository } from '../invoices/invoices.repository.js';
import { presentInvoices } from '../invoices/invoices.service.js';
import { addMonths } from '../invoices/pricing.js';
import { issueRenewalInvoice } from './renew.js';
import { dueRepository } from './due.repository.js';
import type { CreateRenewalInput, DueQueryInput } from './due.schemas.js';
import { renewalPeriods } from './renewal-prices.js';

export const DEFAULT_WINDOW_MONTHS = 2;

type Invoice = Awaited<ReturnType<typeof presentInvoices>>[number];

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
        repo.unpaidInvoices(accountId), repo.expiringProducts(accountId, until), invoices.pricesIn(currency),
      ]);
      const presented = await presentInvoices(invoices, unpaid);
      return {
        currency,
        invoices: presented.map((i) => ({ id: i.id, number: i.number, total: i.total, amount_due: i.amount_due, due_at: i.due_at })),
        products: products.map((p) => ({
          id: p.id, service_name: p.service_name, customer_name: p.customer_name, expired_at: p.expired_at,
          renewal_periods: renewalPeriods(p, prices),
        })),
      };
    },

    /** One unpaid 'renewal' invoice, a line per product; paying it extends the products. The caller is guarded. */
    async renew(accountId: number, body: CreateRenewalInput, step?: IdempotencyStep<Invoice>) {
      const seen = new Map<number, number>();
      const duplicates: FieldError[] = [];
      body.items.forEach((item, i) => {
        if (seen.has(item.product_id)) {
          duplicates.push(fieldError(`items.${i}.product_id`, 'distinct', `Product ${item.product_id} is already item ${seen.get(item.product_id)}`));
        } else seen.set(item.product_id, i);
      });
      if (duplicates.length) throw validationFailed(duplicates);

      return inIdempotentTransaction(db, step, async (trx) => {
        const r = invoicesRepository(trx);
        const { currency } = await r.currencyOf(accountId);
        const due = dueRepository(trx);
        const products = await due.productsForRenewal(accountId, [...seen.keys()]);
        if (products.length !== seen.size) throw notFound('Product');
        const issued = await due.renewalsOfCurrentPeriod([...seen.keys()]);
        if (issued.length) {
          throw new AppError('conflict_error', 'These products already have a renewal invoice for their current period: pay it (POST …/payments) or wait until it is paid', {
            product_ids: [...new Set(issued.map((r) => r.product_id))], invoice_ids: [...new Set(issued.map((r) => r.invoice_id))],
          });
        }
        const byId = new Map(products.map((p) => [p.id, p]));
        const prices = await r.pricesIn(currency);

        const errors: FieldError[] = [];
        const lines = body.items.flatMap((item, i) => {
          const product = byId.get(item.product_id)!;
          const periods = renewalPeriods(product, prices);
          const price = periods.find((p) => p.period_months === item.period_months);
          if (!price) {
            const allowed = periods.map((p) => p.period_months);
            errors.push(fieldError(`items.${i}.period_months`, 'in', allowed.length
              ? `Allowed periods for this product: ${allowed.join(', ')} months`
              : 'This product cannot be renewed from the price list', allowed));
            return [];
          }
          return [{ product, period_months: item.period_months, amount: price.amount }];
        });
        if (errors.length) throw validationFailed(errors);

        const invoiceId = await issueRenewalInvoice(trx, accountId, currency, lines, nowSeconds());
        // Presented inside the transaction: it is the answer stored with the key.
        return (await presentInvoices(r, [(await r.findInvoice(accountId, invoiceId))!]))[0]!;
      });
    },
  };
}
