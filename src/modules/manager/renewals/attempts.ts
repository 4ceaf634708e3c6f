import { escapeHtml } from '../../../shared/html.js';
import type { Speech } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { RENEWALS } from '../messages/renewals.js';
import type { Attempt, Renewal } from './data.js';

// The renewal run's last attempts: what it renewed, what it failed to charge and why, what it
// locked at expiry.

type FailureKey = Extract<MessageKey, `ren.failure.${string}`>;
const isFailureKey = (k: string): k is FailureKey => k.startsWith('ren.failure.') && k in RENEWALS.en;

/** The failure in words when the console knows the API's code, else the code as the API gave it. */
function reasonOf(s: Speech, a: Attempt): string {
  if (a.failure_code === null) return '';
  const key = `ren.failure.${a.failure_code}`;
  return isFailureKey(key) ? s.t(key) : a.failure_code;
}

function row(s: Speech, a: Attempt, renewals: Renewal[]): string {
  const name =
    renewals.find((r) => r.product_id === a.product_id)?.customer_name ??
    s.t('ren.unknown_product', { id: a.product_id });
  const cells = [
    s.t(`ren.status.${a.status}`),
    a.amount === null ? '–' : s.money(a.amount, a.currency),
    reasonOf(s, a),
    s.day(a.new_expired_at),
  ];
  return (
    `<tr><td>${escapeHtml(s.when(a.created_at))}</td><th scope="row">${escapeHtml(name)}</th>` +
    cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('') +
    '</tr>'
  );
}

const COLUMNS = [
  'ren.col.when',
  'ren.col.product',
  'ren.col.status',
  'ren.col.amount',
  'ren.col.reason',
  'ren.col.new_expiry',
] as const;

export function attemptsSection(s: Speech, attempts: Attempt[], renewals: Renewal[]): string {
  const body = attempts.length
    ? `<table><thead><tr>${COLUMNS.map((c) => `<th scope="col">${escapeHtml(s.t(c))}</th>`).join('')}</tr></thead>` +
      `<tbody>${attempts.map((a) => row(s, a, renewals)).join('')}</tbody></table>`
    : `<p>${escapeHtml(s.t('ren.attempts.none'))}</p>`;
  return `<section aria-labelledby="attempts"><h2 id="attempts">${escapeHtml(s.t('ren.attempts'))}</h2>${body}</section>`;
}
