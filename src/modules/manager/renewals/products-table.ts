import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { hidden } from '../layout.js';
import type { Prices, Renewal, RenewalsData } from './data.js';
import { renewalsPath } from './paths.js';

// The products with their auto-renewal ("Comptabilité → Renouvellement auto"): a box per
// product for the selection, and its ⋮ menu switching it on or off (a <details>, which opens
// without a script). The boxes belong to the selection's form by their `form` attribute, since
// each menu is a form of its own and forms do not nest.

export const SELECTION_FORM = 'selection';

function stateOf(signed: Signed, r: Renewal): string {
  const { t } = signed.speech;
  if (r.is_locked) return t('ren.state.locked');
  return t(r.enabled ? 'ren.state.on' : 'ren.state.off');
}

function priceOf(signed: Signed, r: Renewal, prices: Prices, currency: string): string {
  const amount = r.period_months === null ? undefined : prices.get(r.product_id)?.get(r.period_months);
  return amount === undefined ? '–' : signed.speech.money(amount, currency);
}

function menu(signed: Signed, accountId: number, r: Renewal): string {
  const { t } = signed.speech;
  const action = r.enabled ? 'off' : 'on';
  const label = t(r.enabled ? 'ren.deactivate' : 'ren.activate');
  return (
    `<details class="menu"><summary aria-label="${escapeHtml(t('ren.menu', { name: r.customer_name }))}">⋮</summary>` +
    `<form method="post" action="${renewalsPath(accountId)}/${r.product_id}">${hidden('csrf', signed.frame.csrf)}${hidden('action', action)}` +
    `<button type="submit" class="${r.enabled ? 'danger' : ''}" aria-label="${escapeHtml(`${label} – ${r.customer_name}`)}">${escapeHtml(label)}</button>` +
    '</form></details>'
  );
}

function row(signed: Signed, data: RenewalsData, r: Renewal, checked: boolean): string {
  const s = signed.speech;
  const box = `<input type="checkbox" form="${SELECTION_FORM}" name="product" value="${r.product_id}"${checked ? ' checked' : ''} aria-label="${escapeHtml(s.t('ren.select_product', { name: r.customer_name }))}">`;
  const cells = [
    escapeHtml(stateOf(signed, r)),
    escapeHtml(r.payment_method?.label ?? '–'),
    escapeHtml(r.period_months === null ? '–' : s.t('ren.period', { n: r.period_months })),
    escapeHtml(s.day(r.expired_at)),
    escapeHtml(s.day(r.next_attempt_at)),
    escapeHtml(priceOf(signed, r, data.prices, data.org.currency)),
  ];
  return (
    `<tr><td>${box}</td><th scope="row">${escapeHtml(r.customer_name)}<br><span class="muted">${escapeHtml(r.service_name)}</span></th>` +
    cells.map((c) => `<td>${c}</td>`).join('') +
    `<td>${menu(signed, data.org.id, r)}</td></tr>`
  );
}

const COLUMNS = [
  'ren.col.select',
  'ren.col.product',
  'ren.col.state',
  'ren.col.method',
  'ren.col.period',
  'ren.col.expiry',
  'ren.col.next',
  'ren.col.price',
  'ren.col.actions',
] as const;

export function productsTable(signed: Signed, data: RenewalsData, selected: (id: number) => boolean): string {
  const { t } = signed.speech;
  if (!data.renewals.length) return `<p>${escapeHtml(t('ren.none'))}</p>`;
  const head = COLUMNS.map((c) => `<th scope="col">${escapeHtml(t(c))}</th>`).join('');
  const rows = data.renewals.map((r) => row(signed, data, r, selected(r.product_id))).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}
