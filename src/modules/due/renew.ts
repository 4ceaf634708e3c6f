import type { Transaction } from 'kysely';
import type { Currency, Database } from '../../db/types.js';
import type { Executor } from '../../db/database.js';
import { nowSeconds } from '../../shared/time.js';
import { invoicesRepository } from '../invoices/invoices.repository.js';
import { issueInvoice } from '../invoices/issue-invoice.js';
import { addMonths, lineDescription } from '../invoices/pricing.js';

export interface RenewalLine {
  product: { id: number; service_name: string; customer_name: string };
  period_months: number;
  amount: number;
}

/** One unpaid 'renewal' invoice with a line per product and period (a hand renewal, or the renewal run's). */
export async function issueRenewalInvoice(trx: Executor, accountId: number, currency: Currency, lines: RenewalLine[], now: number): Promise<number> {
  const r = invoicesRepository(trx);
  const id = await issueInvoice(r, accountId, 'renewal', currency, lines.map((l) => l.amount), now);
  await r.insertLines(lines.map((l) => ({
    invoice_id: id, description: `Renewal of ${lineDescription({ ...l.product, period_months: l.period_months })}`,
    service_name: l.product.service_name, product_id: l.product.id, period_months: l.period_months, amount: l.amount,
  })));
  return id;
}

/**
 * Called by the payment path inside the payment's transaction once invoices are paid: each line
 * of a 'renewal' invoice naming a product and a period moves that product's expiry by the
 * period (calendar months, from the later of its expiry and now).
 */
export async function extendRenewedProducts(trx: Transaction<Database>, invoiceIds: number[], now = nowSeconds()) {
  if (!invoiceIds.length) return [];
  const lines = await trx.selectFrom('invoice_lines as l').innerJoin('invoices as i', 'i.id', 'l.invoice_id')
    .select(['l.id', 'l.product_id', 'l.period_months'])
    .where('l.invoice_id', 'in', invoiceIds).where('i.kind', '=', 'renewal')
    .where('l.product_id', 'is not', null).where('l.period_months', 'is not', null)
    .orderBy('l.product_id').orderBy('l.id').execute();
  const extended: { product_id: number; expired_at: number }[] = [];
  for (const line of lines) {
    const product = await trx.selectFrom('products').select(['id', 'expired_at'])
      .where('id', '=', line.product_id!).forUpdate().executeTakeFirst();
    if (!product) continue;
    const expiredAt = addMonths(Math.max(product.expired_at ?? now, now), line.period_months!);
    // A renewal paid unlocks a product that expired unpaid, and ends the run's retries for it.
    await trx.updateTable('products').set({ expired_at: expiredAt, is_locked: false, next_renewal_attempt_at: null }).where('id', '=', product.id).execute();
    extended.push({ product_id: product.id, expired_at: expiredAt });
  }
  return extended;
}
