import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { queried, type Deps } from '../context.js';
import { refusal, selectField } from '../forms.js';
import { accountingGet, accountingPage, accountingPath, type Place } from './shell.js';
import type { Due, DueInvoice, DueProduct } from './types.js';

// "Comptabilité → À payer": what is due (GET …/billing/due), its date filter (the API's window:
// the next two months, or everything), a checkbox per unpaid invoice, and "Pay my selection",
// which opens the page choosing the payment method with the invoices ticked.

function filterSection(p: Place, window: string): string {
  const { t } = p.signed.speech;
  return (
    `<section aria-labelledby="filter"><h2 id="filter">${escapeHtml(t('acc.to_pay.filter'))}</h2>` +
    `<form method="get" action="${accountingPath(p.org, '/to-pay')}" class="actions"><div>` +
    selectField({
      name: 'window',
      label: t('acc.to_pay.window'),
      options: [
        { value: '2m', label: t('acc.to_pay.window.2m') },
        { value: 'all', label: t('acc.to_pay.window.all') },
      ],
      selected: window || '2m',
      problems: [],
    }) +
    `</div><button type="submit" class="secondary">${escapeHtml(t('acc.to_pay.apply'))}</button></form></section>`
  );
}

function invoiceRow(p: Place, currency: string, i: DueInvoice): string {
  const s = p.signed.speech;
  const id = `pick-${i.id}`;
  return (
    `<tr><td><input type="checkbox" id="${id}" name="invoice" value="${i.id}">` +
    `<label for="${id}" class="inline">${escapeHtml(s.t('acc.to_pay.select', { number: i.number }))}</label></td>` +
    `<th scope="row"><a href="${accountingPath(p.org, `/invoices/${i.id}`)}">${escapeHtml(i.number)}</a></th>` +
    `<td>${escapeHtml(s.day(i.due_at))}</td><td>${escapeHtml(s.money(i.total, currency))}</td>` +
    `<td>${escapeHtml(s.money(i.amount_due, currency))}</td></tr>`
  );
}

function invoicesSection(p: Place, due: Due): string {
  const { t } = p.signed.speech;
  const head = [
    'acc.to_pay.col.select',
    'acc.col.invoice',
    'acc.col.due_at',
    'acc.col.total',
    'acc.col.amount_due',
  ] as const;
  const table = due.invoices.length
    ? `<table><thead><tr>${head.map((k) => `<th scope="col">${escapeHtml(t(k))}</th>`).join('')}</tr></thead>` +
      `<tbody>${due.invoices.map((i) => invoiceRow(p, due.currency, i)).join('')}</tbody></table>` +
      `<div><button type="submit">${escapeHtml(t('acc.to_pay.pay_selection'))}</button></div>`
    : `<p>${escapeHtml(t('acc.to_pay.none'))}</p>`;
  return (
    `<section aria-labelledby="due-invoices"><h2 id="due-invoices">${escapeHtml(t('acc.to_pay.invoices'))}</h2>` +
    `<form method="get" action="${accountingPath(p.org, '/pay')}">${table}</form></section>`
  );
}

function productRow(p: Place, currency: string, product: DueProduct): string {
  const s = p.signed.speech;
  const prices = product.renewal_periods
    .map((r) => s.t('acc.to_pay.period', { months: r.period_months, amount: s.money(r.amount, currency) }))
    .join(' · ');
  return (
    `<tr><th scope="row">${escapeHtml(product.customer_name)}</th><td>${escapeHtml(product.service_name)}</td>` +
    `<td>${escapeHtml(s.day(product.expired_at))}</td><td>${escapeHtml(prices)}</td></tr>`
  );
}

function productsSection(p: Place, due: Due): string {
  const { t } = p.signed.speech;
  const head = [
    'acc.to_pay.col.product',
    'acc.to_pay.col.service',
    'acc.to_pay.col.expires',
    'acc.to_pay.col.prices',
  ] as const;
  const table = due.products.length
    ? `<table><thead><tr>${head.map((k) => `<th scope="col">${escapeHtml(t(k))}</th>`).join('')}</tr></thead>` +
      `<tbody>${due.products.map((x) => productRow(p, due.currency, x)).join('')}</tbody></table>`
    : `<p>${escapeHtml(t('acc.to_pay.products_none'))}</p>`;
  return `<section aria-labelledby="due-products"><h2 id="due-products">${escapeHtml(t('acc.to_pay.products'))}</h2>${table}</section>`;
}

async function showToPay(p: Place) {
  const window = queried(p.req, 'window');
  const query = window ? `?window=${encodeURIComponent(window)}` : '';
  const due = await p.signed.api<Due>('GET', `/1/accounts/${p.org.id}/billing/due${query}`);
  const title = p.signed.speech.t('acc.to_pay.title');
  if (!due.ok) return accountingPage(p, 'to-pay', title, filterSection(p, window) + refusal(due));
  const body = filterSection(p, window) + invoicesSection(p, due.data) + productsSection(p, due.data);
  return accountingPage(p, 'to-pay', title, body);
}

export function toPayRoutes(app: FastifyInstance, deps: Deps) {
  accountingGet(app, deps, '/to-pay', showToPay);
}
