import type { FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import { queried } from '../context.js';
import type { Speech } from '../i18n.js';
import type { Renewal } from './data.js';

// What a change did to each product it was asked for: changed, already so, or refused with the
// API's reason. A change all done comes back by a redirect carrying the ids (Post/Redirect/Get);
// one with a refusal is shown at once, with the API's words.

export type Switch = 'on' | 'off';

export type Outcome =
  { productId: number; result: 'changed' | 'unchanged' } | { productId: number; result: 'refused'; why: string };

export interface Outcomes {
  action: Switch;
  items: Outcome[];
}

export const switchOf = (v: string): Switch | undefined => (v === 'on' || v === 'off' ? v : undefined);

/** The API's reason for a refusal: its description, and what it said of each field. */
export function reasonOf(answer: Answer<unknown>): string {
  const fields = answer.fields.map((f) => f.description).filter((d) => d !== answer.error?.description);
  const sentences = [answer.error?.description ?? String(answer.status), ...fields];
  return sentences.map((x) => x.replace(/\.$/, '')).join('. ');
}

const idsIn = (v: string) =>
  v
    .split(',')
    .filter((x) => /^\d+$/.test(x))
    .map(Number);

/** The redirect's query of a change all done. */
export function doneQuery(o: Outcomes): string {
  const ids = (result: Outcome['result']) =>
    o.items
      .filter((i) => i.result === result)
      .map((i) => i.productId)
      .join(',');
  return `?done=${o.action}&changed=${ids('changed')}&unchanged=${ids('unchanged')}`;
}

/** The outcomes a redirect carries, if it carries some. */
export function doneOf(req: FastifyRequest): Outcomes | undefined {
  const action = switchOf(queried(req, 'done'));
  if (!action) return undefined;
  const changed = idsIn(queried(req, 'changed')).map((productId) => ({ productId, result: 'changed' as const }));
  const unchanged = idsIn(queried(req, 'unchanged')).map((productId) => ({ productId, result: 'unchanged' as const }));
  return { action, items: [...changed, ...unchanged] };
}

function outcomeText(s: Speech, action: Switch, o: Outcome): string {
  if (o.result === 'refused') return s.t('ren.result.refused', { why: o.why });
  if (o.result === 'changed') return s.t(action === 'on' ? 'ren.result.activated' : 'ren.result.deactivated');
  return s.t(action === 'on' ? 'ren.result.already_on' : 'ren.result.already_off');
}

const count = (o: Outcomes, result: Outcome['result']) => o.items.filter((i) => i.result === result).length;

/** The result of a change: a summary, then each product's outcome. */
export function outcomesSection(s: Speech, o: Outcomes | undefined, renewals: Renewal[]): string {
  if (!o) return '';
  const nameOf = (id: number) =>
    renewals.find((r) => r.product_id === id)?.customer_name ?? s.t('ren.unknown_product', { id });
  const refused = count(o, 'refused');
  const summary = s.t('ren.result.summary', {
    changed: count(o, 'changed'),
    unchanged: count(o, 'unchanged'),
    refused,
  });
  const rows = o.items
    .map(
      (i) =>
        `<tr><th scope="row">${escapeHtml(nameOf(i.productId))}</th><td${i.result === 'refused' ? ' class="field-error"' : ''}>${escapeHtml(outcomeText(s, o.action, i))}</td></tr>`,
    )
    .join('');
  return (
    `<section aria-labelledby="result"><h2 id="result">${escapeHtml(s.t('ren.result'))}</h2>` +
    `<p class="${refused ? 'alert' : 'notice'}" role="${refused ? 'alert' : 'status'}">${escapeHtml(summary)}</p>` +
    `<table><thead><tr><th scope="col">${escapeHtml(s.t('ren.col.product'))}</th><th scope="col">${escapeHtml(s.t('ren.col.outcome'))}</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></section>`
  );
}
