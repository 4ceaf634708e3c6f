import type { Transaction } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError, notFound } from '../../shared/errors.js';
import { nowSeconds } from '../../shared/time.js';
import { serviceByName } from '../products/services.js';
import { addMonths, tldOf } from './pricing.js';

/**
 * Marks a pending order paid and creates its products; the payment slice calls it inside the
 * payment's transaction. Each item becomes a product of its service (expiring `period_months`
 * calendar months from now, renewal periods and monthly price from the price list); the order's
 * invoice lines point at the products. `support_premium` is not a product of the services
 * catalogue but a state of the organisation: its item extends `support_premium_until`.
 */
export async function fulfilOrder(trx: Transaction<Database>, orderId: number, now = nowSeconds()) {
  const order = await trx.selectFrom('orders as o').innerJoin('invoices as i', 'i.id', 'o.invoice_id')
    .select(['o.id', 'o.account_id', 'o.status', 'o.invoice_id', 'i.currency'])
    .where('o.id', '=', orderId).forUpdate('o').executeTakeFirst();
  if (!order) throw notFound('Order');
  if (order.status !== 'pending') throw new AppError('object_already_exists', `The order is already ${order.status}`, { status: order.status });

  const items = await trx.selectFrom('order_items').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
  const prices = await trx.selectFrom('prices').select(['service_name', 'variant', 'period_months'])
    .where('currency', '=', order.currency).where('service_name', 'in', items.map((i) => i.service_name)).orderBy('period_months').execute();
  const lines = await trx.selectFrom('invoice_lines').select('id').where('invoice_id', '=', order.invoice_id).orderBy('id').execute();

  const created: { order_item_id: number; product_id: number }[] = [];
  for (const [n, item] of items.entries()) {
    if (item.service_name === 'support_premium') {
      await extendSupportPremium(trx, order.account_id, item.period_months, now);
      continue;
    }
    const service = serviceByName(item.service_name);
    if (!service) continue;
    const isDomain = item.service_name === 'domain';
    const tld = isDomain ? tldOf(item.customer_name) : null;
    const variant = tld && prices.some((p) => p.service_name === 'domain' && p.variant === tld) ? tld : '';
    const periods = prices.filter((p) => p.service_name === item.service_name && p.variant === variant).map((p) => p.period_months);
    const product = await trx.insertInto('products').values({
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
    }).returning('id').executeTakeFirstOrThrow();
    await trx.updateTable('order_items').set({ product_id: product.id }).where('id', '=', item.id).execute();
    // Lines were written in item order, one per item.
    const line = lines[n];
    if (line) await trx.updateTable('invoice_lines').set({ product_id: product.id }).where('id', '=', line.id).execute();
    created.push({ order_item_id: item.id, product_id: product.id });
  }
  await trx.updateTable('orders').set({ status: 'paid', paid_at: now }).where('id', '=', orderId).execute();
  return { order_id: orderId, products: created };
}

/** Premium support runs `months` longer, from its current end or from now if it had lapsed. */
async function extendSupportPremium(trx: Transaction<Database>, accountId: number, months: number, now: number) {
  const { support_premium_until: until } = await trx.selectFrom('accounts').select('support_premium_until')
    .where('id', '=', accountId).executeTakeFirstOrThrow();
  await trx.updateTable('accounts').set({ support_premium_until: addMonths(Math.max(until ?? now, now), months) })
    .where('id', '=', accountId).execute();
}
