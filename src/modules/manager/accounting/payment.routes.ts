import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Deps } from '../context.js';
import type { MessageKey } from '../messages.js';
import { accountingGet, accountingPage, accountingPath, notFoundPage, type Place } from './shell.js';
import type { Payment } from './types.js';

// A payment's page, where paying lands: what the API says of it. An IBAN payment is the pro
// forma: pending, with the reference the transfer quotes; its invoices are paid when it arrives.

function outcome(p: Place, pay: Payment): string {
  const s = p.signed.speech;
  const amount = s.money(pay.amount, pay.currency);
  if (pay.status === 'pending' && pay.method === 'iban') {
    const reference = pay.processor_reference ?? '';
    return `<p class="notice" role="status">${escapeHtml(s.t('acc.payment.proforma', { amount, reference }))}</p>`;
  }
  if (pay.status === 'failed')
    return `<p class="alert" role="alert">${escapeHtml(s.t('acc.payment.failed', { code: pay.failure_code ?? '' }))}</p>`;
  const key = pay.status === 'pending' ? 'acc.payment.pending' : 'acc.payment.succeeded';
  return `<p class="notice" role="status">${escapeHtml(s.t(key, { amount }))}</p>`;
}

function details(p: Place, pay: Payment): string {
  const s = p.signed.speech;
  const row = (label: string, value: string) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${value}</td></tr>`;
  const invoices = pay.invoice_ids
    .map(
      (id) =>
        `<a href="${accountingPath(p.org, `/invoices/${id}`)}">${escapeHtml(s.t('acc.payment.invoice', { id }))}</a>`,
    )
    .join(', ');
  return (
    `<section aria-labelledby="payment"><h2 id="payment">${escapeHtml(s.t('acc.payment.details'))}</h2><table><tbody>` +
    row(s.t('acc.col.status'), escapeHtml(s.t(`acc.payment.status.${pay.status}` satisfies MessageKey))) +
    row(s.t('acc.col.method'), escapeHtml(s.t(`acc.method.${pay.method}` satisfies MessageKey))) +
    row(s.t('acc.col.amount'), escapeHtml(s.money(pay.amount, pay.currency))) +
    row(s.t('acc.payment.prepaid_part'), escapeHtml(s.money(pay.prepaid_amount, pay.currency))) +
    row(s.t('acc.payment.reference'), escapeHtml(pay.processor_reference ?? '–')) +
    row(s.t('acc.col.date'), escapeHtml(s.when(pay.created_at))) +
    row(s.t('acc.payment.invoices'), invoices) +
    '</tbody></table></section>'
  );
}

async function showPayment(p: Place) {
  const answer = await p.signed.api<Payment>('GET', `/1/accounts/${p.org.id}/payments/${p.params.payment}`);
  if (!answer.ok) return notFoundPage(p.signed, p.reply);
  const back = `<p><a href="${accountingPath(p.org, '/to-pay')}">${escapeHtml(p.signed.speech.t('acc.payment.back'))}</a></p>`;
  const body = outcome(p, answer.data) + details(p, answer.data) + back;
  return accountingPage(p, 'to-pay', p.signed.speech.t('acc.payment.title', { id: answer.data.id }), body);
}

export function paymentRoutes(app: FastifyInstance, deps: Deps) {
  accountingGet(app, deps, '/payments/:payment', showPayment);
}
