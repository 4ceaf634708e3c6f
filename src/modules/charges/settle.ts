import type { PaymentMethodKind } from '../../db/types.js';
import { nowSeconds } from '../../shared/time.js';
import { addMonths, fulfilOrder } from '../invoices/index.js';
import { chargeLocks, chargesRepository, type Trx } from './charges.repository.js';
import { supportsAutoRenewal } from './methods.js';

/** What settling invoices does beside marking them paid, as read with their lock (`invoicesToPay`). */
export interface SettleWork {
  /** One of them has a pending order to fulfil. */
  pendingOrders: boolean;
  /** One of them is a renewal with lines that extend products. */
  renewals: boolean;
}

const EVERYTHING: SettleWork = { pendingOrders: true, renewals: true };

/** Settling invoices already marked paid: their pending orders fulfilled, their renewed products extended. */
async function fulfilAndExtend(trx: Trx, invoiceIds: number[], at: number, work: SettleWork) {
  const created: number[] = [];
  if (work.pendingOrders) {
    for (const o of await chargesRepository(trx).pendingOrdersOf(invoiceIds)) {
      const r = await fulfilOrder(trx, o.id, at);
      created.push(...r.products.map((p) => p.product_id));
    }
  }
  const renewed = work.renewals ? (await extendRenewedProducts(trx, invoiceIds, at)).map((p) => p.product_id) : [];
  return { created, renewed };
}

/**
 * What paying invoices does, inside the payment's transaction: marks them paid, fulfils their
 * pending orders (creating the products) and extends the products their renewal lines name.
 * Answers the products created and the products renewed.
 */
export async function settle(
  trx: Trx,
  invoiceIds: number[],
  at: number,
): Promise<{ created: number[]; renewed: number[] }> {
  await chargesRepository(trx).markPaid(invoiceIds, at);
  return fulfilAndExtend(trx, invoiceIds, at, EVERYTHING);
}

type ChargedMethod = { id: number | null; kind: PaymentMethodKind } | undefined;

/** Paying an order or a renewal with a card or Twint switches auto-renewal on for its products, with that method, as upstream does. */
async function switchOnIfRenewable(
  trx: Trx,
  products: { created: number[]; renewed: number[] },
  charged: ChargedMethod,
) {
  if (charged?.id && supportsAutoRenewal(charged.kind))
    await switchOnAfterPayment(trx, [...products.created, ...products.renewed], charged.id);
}

/** `settle`, then what a payment by a card or Twint adds (auto-renewal switched on). */
export async function settleCharged(trx: Trx, invoiceIds: number[], at: number, charged: ChargedMethod) {
  await switchOnIfRenewable(trx, await settle(trx, invoiceIds, at), charged);
}

/**
 * `settleCharged` for invoices the payment's own statement has marked paid (`recordPayment`):
 * only what `work` says there is to do, so a payment of plain invoices adds no statement.
 */
export async function settleMarked(
  trx: Trx,
  invoiceIds: number[],
  at: number,
  charged: ChargedMethod,
  work: SettleWork,
) {
  await switchOnIfRenewable(trx, await fulfilAndExtend(trx, invoiceIds, at, work), charged);
}

/**
 * Called by the payment path inside its transaction when an order or a renewal is paid with a
 * card or Twint: auto-renewal switches on for those products, with that method, as upstream
 * does. Products without an expiry (nothing to renew) are left alone.
 */
export async function switchOnAfterPayment(trx: Trx, productIds: number[], methodId: number): Promise<void> {
  if (!productIds.length) return;
  await chargesRepository(trx).switchOnAutoRenewal(productIds, methodId);
}

/**
 * Once invoices are paid, inside the payment's transaction: each line of a 'renewal' invoice
 * naming a product and a period moves that product's expiry by the period (calendar months,
 * from the later of its expiry and now) - once: only while the product's expiry is still the
 * one the line renews (a period already renewed is not renewed again, whichever invoice paid it).
 */
export async function extendRenewedProducts(trx: Trx, invoiceIds: number[], now = nowSeconds()) {
  if (!invoiceIds.length) return [];
  const repo = chargesRepository(trx);
  const extended: { product_id: number; expired_at: number }[] = [];
  for (const line of await repo.renewalLinesOf(invoiceIds)) {
    // The query keeps only lines that name a product and a period; the types cannot know it.
    if (line.product_id === null || line.period_months === null) continue;
    const product = await chargeLocks(trx).productExpiry(line.product_id);
    if (!product) continue;
    if (line.renews_expired_at !== null && line.renews_expired_at !== (product.expired_at ?? 0)) continue;
    const expiredAt = addMonths(Math.max(product.expired_at ?? now, now), line.period_months);
    await repo.extendProduct(product.id, expiredAt);
    extended.push({ product_id: product.id, expired_at: expiredAt });
  }
  return extended;
}
