import { escapeHtml } from '../../../shared/html.js';
import { refusal } from '../forms.js';
import type { MessageKey } from '../messages.js';
import type { Place } from './shell.js';
import type { Payment, PrepaidTransaction } from './types.js';

// The prepaid page's read-only parts: what became of the deposit just made (the API's payment),
// and the ledger.

/** The notice after a deposit: credited, or the transfer to make (IBAN), or pending. */
export async function creditOutcome(p: Place, paymentId: string): Promise<string> {
  if (!/^\d+$/.test(paymentId)) return '';
  const answer = await p.signed.api<Payment>('GET', `/1/accounts/${p.org.id}/payments/${paymentId}`);
  if (!answer.ok) return '';
  const s = p.signed.speech;
  const pay = answer.data;
  const amount = s.money(pay.amount, pay.currency);
  const text =
    pay.status === 'succeeded'
      ? s.t('acc.prepaid.credited', { amount })
      : pay.method === 'iban'
        ? s.t('acc.prepaid.transfer', { amount, reference: pay.processor_reference ?? '' })
        : s.t('acc.prepaid.pending', { amount });
  return `<p class="notice" role="status">${escapeHtml(text)}</p>`;
}

function transactionRow(p: Place, x: PrepaidTransaction): string {
  const s = p.signed.speech;
  return (
    `<tr><th scope="row">${escapeHtml(s.when(x.created_at))}</th><td>${escapeHtml(s.t(`acc.prepaid.kind.${x.kind}` satisfies MessageKey))}</td>` +
    `<td>${escapeHtml(x.description)}</td><td>${escapeHtml(s.money(x.amount, p.org.currency))}</td></tr>`
  );
}

export async function transactionsSection(p: Place): Promise<string> {
  const { t } = p.signed.speech;
  const ledger = await p.signed.api<PrepaidTransaction[]>('GET', `/1/accounts/${p.org.id}/prepaid/transactions`);
  const list = ledger.ok ? ledger.data : [];
  const head = (['acc.col.date', 'acc.prepaid.col.kind', 'acc.prepaid.col.description', 'acc.col.amount'] as const)
    .map((k) => `<th scope="col">${escapeHtml(t(k))}</th>`)
    .join('');
  const table = list.length
    ? `<table><thead><tr>${head}</tr></thead><tbody>${list.map((x) => transactionRow(p, x)).join('')}</tbody></table>`
    : `<p>${escapeHtml(t('acc.prepaid.no_transactions'))}</p>`;
  return `<section aria-labelledby="transactions"><h2 id="transactions">${escapeHtml(t('acc.prepaid.transactions'))}</h2>${refusal(ledger)}${table}</section>`;
}
