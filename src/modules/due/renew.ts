import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { nowSeconds } from '../../shared/time.js';
import { addMonths } from '../invoices/pricing.js';

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
    await trx.updateTable('products').set({ expired_at: expiredAt }).where('id', '=', product.id).execute();
    extended.push({ product_id: product.id, expired_at: expiredAt });
  }
  return extended;
}
