import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Deps } from '../context.js';
import { refusal } from '../forms.js';
import type { MessageKey } from '../messages.js';
import { rawCall } from './calls.js';
import { accountingGet, accountingPage, accountingPath, notFoundPage, type Place } from './shell.js';
import type { Invoice } from './types.js';

// "Comptabilité → Factures": the invoices (GET …/invoices), one invoice with its lines, and its
// PDF. The API's PDF is bytes, not JSON: the console fetches it in-process as the user and
// sends it on as it came.

const th = (p: Place, keys: MessageKey[]) =>
  `<thead><tr>${keys.map((k) => `<th scope="col">${escapeHtml(p.signed.speech.t(k))}</th>`).join('')}</tr></thead>`;

const statusOf = (p: Place, i: Invoice) => p.signed.speech.t(`acc.invoices.status.${i.status}` satisfies MessageKey);

function invoiceRow(p: Place, i: Invoice): string {
  const s = p.signed.speech;
  return (
    `<tr><th scope="row"><a href="${accountingPath(p.org, `/invoices/${i.id}`)}">${escapeHtml(i.number)}</a></th>` +
    `<td>${escapeHtml(s.day(i.issued_at))}</td><td>${escapeHtml(s.day(i.due_at))}</td>` +
    `<td>${escapeHtml(s.money(i.total, i.currency))}</td><td>${escapeHtml(statusOf(p, i))}</td></tr>`
  );
}

async function showInvoices(p: Place) {
  const { t } = p.signed.speech;
  const invoices = await p.signed.api<Invoice[]>('GET', `/1/accounts/${p.org.id}/invoices`);
  const list = invoices.ok ? invoices.data : [];
  const table = list.length
    ? `<table>${th(p, ['acc.col.invoice', 'acc.invoices.col.issued', 'acc.col.due_at', 'acc.col.total', 'acc.col.status'])}<tbody>${list.map((i) => invoiceRow(p, i)).join('')}</tbody></table>`
    : `<p>${escapeHtml(t('acc.invoices.none'))}</p>`;
  const body =
    refusal(invoices) +
    `<section aria-labelledby="invoices"><h2 id="invoices">${escapeHtml(t('acc.invoices.list'))}</h2>${table}</section>`;
  return accountingPage(p, 'invoices', t('acc.invoices.title'), body);
}

function linesTable(p: Place, i: Invoice): string {
  const s = p.signed.speech;
  const money = (n: number) => escapeHtml(s.money(n, i.currency));
  const rows = i.lines.map(
    (l) => `<tr><th scope="row">${escapeHtml(l.description)}</th><td>${money(l.amount)}</td></tr>`,
  );
  const sum = (label: string, n: number) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${money(n)}</td></tr>`;
  return (
    `<table>${th(p, ['acc.invoices.col.line', 'acc.col.amount'])}<tbody>${rows.join('')}` +
    sum(s.t('acc.invoices.subtotal'), i.subtotal) +
    sum(s.t('acc.invoices.vat', { rate: i.vat_rate }), i.vat_amount) +
    sum(s.t('acc.col.total'), i.total) +
    sum(s.t('acc.invoices.paid'), i.amount_paid) +
    sum(s.t('acc.col.amount_due'), i.amount_due) +
    '</tbody></table>'
  );
}

function invoiceFacts(p: Place, i: Invoice): string {
  const s = p.signed.speech;
  const pdf = accountingPath(p.org, `/invoices/${i.id}/pdf`);
  const pay =
    i.status === 'unpaid'
      ? ` · <a href="${accountingPath(p.org, `/pay?invoice=${i.id}`)}">${escapeHtml(s.t('acc.invoices.pay'))}</a>`
      : '';
  return (
    `<p>${escapeHtml(s.t('acc.invoices.facts', { status: statusOf(p, i), issued: s.day(i.issued_at), due: s.day(i.due_at) }))}</p>` +
    `<p><a href="${pdf}">${escapeHtml(s.t('acc.invoices.pdf', { number: i.number }))}</a>${pay}</p>`
  );
}

async function showInvoice(p: Place) {
  const answer = await p.signed.api<Invoice>('GET', `/1/accounts/${p.org.id}/invoices/${p.params.invoice}`);
  if (!answer.ok) return notFoundPage(p.signed, p.reply);
  const i = answer.data;
  const body =
    `<section aria-labelledby="invoice"><h2 id="invoice">${escapeHtml(p.signed.speech.t('acc.invoices.details'))}</h2>` +
    invoiceFacts(p, i) +
    linesTable(p, i) +
    '</section>';
  return accountingPage(p, 'invoices', p.signed.speech.t('acc.invoices.name', { number: i.number }), body);
}

async function sendPdf(p: Place) {
  const url = `/1/accounts/${p.org.id}/invoices/${encodeURIComponent(p.params.invoice ?? '')}/pdf`;
  const res = await rawCall(p.deps, p.req, { method: 'GET', url });
  if (res.statusCode !== 200) return notFoundPage(p.signed, p.reply);
  return p.reply
    .code(200)
    .type('application/pdf')
    .header('content-disposition', String(res.headers['content-disposition'] ?? 'attachment'))
    .header('cache-control', 'no-store')
    .send(res.rawPayload);
}

export function invoiceRoutes(app: FastifyInstance, deps: Deps) {
  accountingGet(app, deps, '/invoices', showInvoices);
  accountingGet(app, deps, '/invoices/:invoice', showInvoice);
  accountingGet(app, deps, '/invoices/:invoice/pdf', sendPdf);
}
