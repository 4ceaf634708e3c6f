import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Deps } from '../context.js';
import { refusal } from '../forms.js';
import type { MessageKey } from '../messages.js';
import { accountingGet, accountingPage, accountingPath, notFoundPage, type Place } from './shell.js';
import type { Order } from './types.js';

// "Comptabilité → Commandes": the orders (GET …/orders), one order with its items and invoice,
// and "Pay the order" for a pending one (the payment page, with the order as its selection).

const th = (p: Place, keys: MessageKey[]) =>
  `<thead><tr>${keys.map((k) => `<th scope="col">${escapeHtml(p.signed.speech.t(k))}</th>`).join('')}</tr></thead>`;

function orderRow(p: Place, o: Order): string {
  const s = p.signed.speech;
  const name = s.t('acc.orders.name', { id: o.id });
  return (
    `<tr><th scope="row"><a href="${accountingPath(p.org, `/orders/${o.id}`)}">${escapeHtml(name)}</a></th>` +
    `<td>${escapeHtml(s.when(o.created_at))}</td><td>${escapeHtml(o.items.map((i) => i.customer_name).join(', '))}</td>` +
    `<td>${escapeHtml(s.money(o.total, o.currency))}</td><td>${escapeHtml(s.t(`acc.orders.status.${o.status}` satisfies MessageKey))}</td></tr>`
  );
}

async function showOrders(p: Place) {
  const { t } = p.signed.speech;
  const orders = await p.signed.api<Order[]>('GET', `/1/accounts/${p.org.id}/orders`);
  const list = orders.ok ? orders.data : [];
  const table = list.length
    ? `<table>${th(p, ['acc.col.order', 'acc.col.date', 'acc.orders.col.items', 'acc.col.total', 'acc.col.status'])}<tbody>${list.map((o) => orderRow(p, o)).join('')}</tbody></table>`
    : `<p>${escapeHtml(t('acc.orders.none'))}</p>`;
  const body =
    refusal(orders) +
    `<section aria-labelledby="orders"><h2 id="orders">${escapeHtml(t('acc.orders.list'))}</h2>${table}</section>`;
  return accountingPage(p, 'orders', t('acc.orders.title'), body);
}

function itemsTable(p: Place, o: Order): string {
  const s = p.signed.speech;
  const rows = o.items
    .map(
      (i) =>
        `<tr><th scope="row">${escapeHtml(i.customer_name)}</th><td>${escapeHtml(i.service_name)}</td>` +
        `<td>${escapeHtml(s.t('acc.orders.months', { n: i.period_months }))}</td><td>${escapeHtml(s.money(i.amount, o.currency))}</td></tr>`,
    )
    .join('');
  return `<table>${th(p, ['acc.to_pay.col.product', 'acc.to_pay.col.service', 'acc.orders.col.period', 'acc.orders.col.amount_excl'])}<tbody>${rows}</tbody></table>`;
}

function summary(p: Place, o: Order): string {
  const s = p.signed.speech;
  const status = s.t(`acc.orders.status.${o.status}` satisfies MessageKey);
  const invoice = `<a href="${accountingPath(p.org, `/invoices/${o.invoice_id}`)}">${escapeHtml(s.t('acc.orders.invoice'))}</a>`;
  const pay =
    o.status === 'pending'
      ? `<p><a class="button" href="${accountingPath(p.org, `/pay?order=${o.id}`)}">${escapeHtml(s.t('acc.orders.pay'))}</a></p>`
      : '';
  return (
    `<p>${escapeHtml(s.t('acc.orders.summary', { status, total: s.money(o.total, o.currency), date: s.when(o.created_at) }))}</p>` +
    (o.paid_at ? `<p>${escapeHtml(s.t('acc.orders.paid_at', { date: s.when(o.paid_at) }))}</p>` : '') +
    `<p>${invoice}</p>${pay}`
  );
}

async function showOrder(p: Place) {
  const answer = await p.signed.api<Order>('GET', `/1/accounts/${p.org.id}/orders/${p.params.order}`);
  if (!answer.ok) return notFoundPage(p.signed, p.reply);
  const o = answer.data;
  const title = p.signed.speech.t('acc.orders.name', { id: o.id });
  const body = `<section aria-labelledby="order"><h2 id="order">${escapeHtml(p.signed.speech.t('acc.orders.items'))}</h2>${summary(p, o)}${itemsTable(p, o)}</section>`;
  return accountingPage(p, 'orders', title, body);
}

export function orderRoutes(app: FastifyInstance, deps: Deps) {
  accountingGet(app, deps, '/orders', showOrders);
  accountingGet(app, deps, '/orders/:order', showOrder);
}
