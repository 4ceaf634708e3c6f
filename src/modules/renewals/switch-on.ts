import type { Executor } from '../../db/database.js';
import type { PaymentMethodKind } from '../../db/types.js';

/** Cards (CB, Visa, Mastercard) and Twint can be charged without the customer: they renew automatically. */
export const RENEWABLE_KINDS = ['card', 'twint'] as const;
export const supportsAutoRenewal = (kind: PaymentMethodKind): kind is (typeof RENEWABLE_KINDS)[number] => (RENEWABLE_KINDS as readonly string[]).includes(kind);

/**
 * Called by the payment path inside its transaction when an order or a renewal is paid with a
 * card or Twint: auto-renewal switches on for those products, with that method, as upstream
 * does. Products without an expiry (nothing to renew) are left alone.
 */
export async function switchOnAfterPayment(trx: Executor, productIds: number[], methodId: number): Promise<void> {
  if (!productIds.length) return;
  await trx.updateTable('products')
    .set({ auto_renewal: true, auto_renewal_method_id: methodId, next_renewal_attempt_at: null })
    .where('id', 'in', productIds).where('expired_at', 'is not', null).where('deleted_at', 'is', null)
    .execute();
}
