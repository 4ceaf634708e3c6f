import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError, notFound } from '../../shared/errors.js';
import { nowSeconds } from '../../shared/time.js';
import { serviceByName } from '../products/index.js';
import { fulfilmentRepository, type Currency } from './invoices.repository.js';
import { addMonths, tldOf } from './pricing.js';

type Fulfilment = ReturnType<typeof fulfilmentRepository>;
type Item = Awaited<ReturnType<Fulfilment['itemsOf']>>[number];
type Periods = Awaited<ReturnType<Fulfilment['periodsOf']>>;

/**
 * Marks a pending order paid and creates its products; the payment slice calls it inside the
 * payment's transaction. Each item becomes a product of its service (expiring `period_months`
 * calendar months from now, renewal periods and monthly price from the price list); the order's
 * invoice lines point at the products. `support_premium` is not a product of the services
 * catalogue but a state of the organisation: its item extends `support_premium_until`.
 */
export async function fulfilOrder(trx: Transaction<Database>, orderId: number, now = nowSeconds()) {
  const repo = fulfilmentRepository(trx);
  const order = await repo.lockOrder(orderId);
  if (!order) throw notFound('Order');
  if (order.status !== 'pending')
    throw new AppError('object_already_exists', `The order is already ${order.status}`, { status: order.status });

  const items = await repo.itemsOf(orderId);
  const periods = await repo.periodsOf(
    order.currency,
    items.map((i) => i.service_name),
  );
  const lines = await repo.lineIdsOf(order.invoice_id);

  const created: { order_item_id: number; product_id: number }[] = [];
  for (const [n, item] of items.entries()) {
    if (item.service_name === 'support_premium') {
      await extendSupportPremium(repo, order.account_id, item.period_months, now);
      continue;
    }
    const productId = await createProduct(repo, order, item, periods, now);
    if (productId === undefined) continue;
    await repo.setItemProduct(item.id, productId);
    // Lines were written in item order, one per item.
    const line = lines[n];
    if (line) await repo.setLineProduct(line.id, productId);
    created.push({ order_item_id: item.id, product_id: productId });
  }
  await repo.markOrderPaid(orderId, now);
  return { order_id: orderId, products: created };
}

/** The product an item becomes (undefined for a service the catalogue does not know). */
async function createProduct(
  repo: Fulfilment,
  order: { account_id: number; currency: Currency },
  item: Item,
  prices: Periods,
  now: number,
) {
  const service = serviceByName(item.service_name);
  if (!service) return undefined;
  const isDomain = item.service_name === 'domain';
  const tld = isDomain ? tldOf(item.customer_name) : null;
  const variant = tld && prices.some((p) => p.service_name === 'domain' && p.variant === tld) ? tld : '';
  const periods = prices
    .filter((p) => p.service_name === item.service_name && p.variant === variant)
    .map((p) => p.period_months);
  const product = await repo.insertProduct({
    account_id: order.account_id,
    service_id: service.id,
    service_name: service.name,
    customer_name: item.customer_name,
    internal_name: item.customer_name,
    fqdn: isDomain ? item.customer_name.toLowerCase() : null,
    renewal_periods: periods.length ? periods : [item.period_months],
    price_per_month: Math.round(Number(item.amount) / item.period_months),
    currency: order.currency,
    expired_at: addMonths(now, item.period_months),
  });
  return product.id;
}

/** Premium support runs `months` longer, from its current end or from now if it had lapsed. */
async function extendSupportPremium(repo: Fulfilment, accountId: number, months: number, now: number) {
  const { support_premium_until: until } = await repo.supportPremiumUntil(accountId);
  await repo.setSupportPremiumUntil(accountId, addMonths(Math.max(until ?? now, now), months));
}
