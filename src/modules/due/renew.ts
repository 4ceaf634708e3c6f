import type { Transaction } from 'kysely';
import type { Currency, Database } from '../../db/types.js';
import type { Executor } from '../../db/database.js';
import { nowSeconds } from '../../shared/time.js';
import { invoicesRepository } from '../invoices/invoices.repository.js';
import { issueInvoice } from '../invoices/issue-invoice.js';
import { addMonths, lineDescription } from '../invoices/pricing.js';
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
export async function issueRenewalInvoice(trx: Executor, accountId: number, currency: Currency, lines: RenewalLine[], now: number): Promise<number> {
  const r = invoicesRepository(trx);
  const id = await issueInvoice(r, accountId, 'renewal', currency, lines.map((l) => l.amount), now);
  await r.insertLines(lines.map((l) => ({
    invoice_id: id, description: `Renewal of ${lineDescription({ ...l.product, period_months: l.period_months })}`,
    service_name: l.product.service_name, product_id: l.product.id, period_months: l.period_months, amount: l.amount,
    renews_expired_at: l.product.expired_at ?? 0,
  })));
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
  const alone = lines.length === 1 ? lines[0]! : undefined;
  return { invoice_id: issued.invoice_id, status: issued.status, period_months: alone?.period_months ?? null, alone: alone !== undefined };
}

/**
 * Called by the payment path inside the payment's transaction once invoices are paid: each line
 * of a 'renewal' invoice naming a product and a period moves that product's expiry by the
 * period (calendar months, from the later of its expiry and now) - once: only while the
 * product's expiry is still the one the line renews (a period already renewed is not renewed
 * again, whichever invoice paid it).
 */
export async function extendRenewedProducts(trx: Transaction<Database>, invoiceIds: number[], now = nowSeconds()) {
  if (!invoiceIds.length) return [];
  const lines = await trx.selectFrom('invoice_lines as l').innerJoin('invoices as i', 'i.id', 'l.invoice_id')
    .select(['l.id', 'l.product_id', 'l.period_months', 'l.renews_expired_at'])
    .where('l.invoice_id', 'in', invoiceIds).where('i.kind', '=', 'renewal')
    .where('l.product_id', 'is not', null).where('l.period_months', 'is not', null)
    .orderBy('l.product_id').orderBy('l.id').execute();
  const extended: { product_id: number; expired_at: number }[] = [];
  for (const line of lines) {
    const product = await trx.selectFrom('products').select(['id', 'expired_at'])
      .where('id', '=', line.product_id!).forUpdate().executeTakeFirst();
    if (!product) continue;
    if (line.renews_expired_at !== null && line.renews_expired_at !== (product.expired_at ?? 0)) continue;
    const expiredAt = addMonths(Math.max(product.expired_at ?? now, now), line.period_months!);
    // A renewal paid unlocks a product that expired unpaid, and ends the run's retries for it.
    await trx.updateTable('products').set({ expired_at: expiredAt, is_locked: false, next_renewal_attempt_at: null }).where('id', '=', product.id).execute();
    extended.push({ product_id: product.id, expired_at: expiredAt });
  }
  return extended;
}
