import type { Currency } from '../../db/types.js';
import type { Executor } from '../../db/database.js';
import { invoicesRepository, issueInvoice, lineDescription } from '../invoices/index.js';
import { dueRepository } from './due.repository.js';

export interface RenewalLine {
  /** `expired_at`: the expiry renewed from, which names the period (a product is renewed once per period). */
  product: { id: number; service_name: string; customer_name: string; expired_at: number | null };
  period_months: number;
  amount: number;
}

/**
 * One unpaid 'renewal' invoice with a line per product and period (a hand renewal, or the
 * renewal run's). A product that already has a renewal invoice for its current expiry cannot
 * have a second: the index invoice_lines_one_renewal_per_period refuses it (unique violation).
 */
export async function issueRenewalInvoice(
  trx: Executor,
  accountId: number,
  currency: Currency,
  lines: RenewalLine[],
  now: number,
): Promise<number> {
  const r = invoicesRepository(trx);
  const id = await issueInvoice(
    r,
    accountId,
    'renewal',
    currency,
    lines.map((l) => l.amount),
    now,
  );
  await r.insertLines(
    lines.map((l) => ({
      invoice_id: id,
      description: `Renewal of ${lineDescription({ ...l.product, period_months: l.period_months })}`,
      service_name: l.product.service_name,
      product_id: l.product.id,
      period_months: l.period_months,
      amount: l.amount,
      renews_expired_at: l.product.expired_at ?? 0,
    })),
  );
  return id;
}

/**
 * The renewal invoice already issued for the product's current period (by hand or by the
 * renewal run), and whether it renews that product alone; undefined when there is none.
 */
export async function renewalOfCurrentPeriod(trx: Executor, productId: number) {
  const due = dueRepository(trx);
  const [issued] = await due.renewalsOfCurrentPeriod([productId]);
  if (!issued) return undefined;
  const lines = await due.renewalLinesOf(issued.invoice_id);
  const alone = lines.length === 1 ? lines[0] : undefined;
  return {
    invoice_id: issued.invoice_id,
    status: issued.status,
    period_months: alone?.period_months ?? null,
    alone: alone !== undefined,
  };
}
