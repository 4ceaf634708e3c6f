import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { inputField, refusal } from '../forms.js';
import { numberOf, rowsOf, textOf, type PlaneAnswer } from './control-plane.js';
import { empty, section, table } from './page.js';

// The outbox as an inbox: the filters (kind, recipient, user), the mails newest first, and
// the pages of the list.

export const OUTBOX_FILTERS = ['kind', 'recipient', 'user_id'] as const;
export type OutboxFilters = Record<(typeof OUTBOX_FILTERS)[number], string>;
export const PER_PAGE = 50;

/** The query of the list with these filters, at this page: for the control plane and the links alike. */
export function outboxQuery(filters: OutboxFilters, page: number): string {
  const q = new URLSearchParams();
  for (const f of OUTBOX_FILTERS) if (filters[f]) q.set(f, filters[f]);
  if (page > 1) q.set('page', String(page));
  return q.toString();
}

function filterForm(signed: Signed, filters: OutboxFilters, answer: PlaneAnswer) {
  const { t } = signed.speech;
  const problems = answer.fields;
  const field = (name: (typeof OUTBOX_FILTERS)[number], type = 'text') =>
    inputField({ name, label: t(`tools.outbox.filter.${name}`), value: filters[name], problems, type });
  return section(
    'outbox-filters',
    t('tools.filters'),
    refusal(answer, OUTBOX_FILTERS) +
      `<form method="get" action="/manager/tools/outbox">${field('kind')}${field('recipient', 'email')}${field('user_id')}` +
      `<div><button type="submit">${escapeHtml(t('tools.filter'))}</button></div></form>`,
  );
}

function mailRow(signed: Signed, mail: Record<string, unknown>, back: string) {
  const s = signed.speech;
  const href = `/manager/tools/outbox/${textOf(mail, 'id')}${back ? `?${back}` : ''}`;
  return (
    `<tr><td>${escapeHtml(s.when(numberOf(mail, 'created_at')))}</td><td>${escapeHtml(textOf(mail, 'recipient'))}</td>` +
    `<td>${escapeHtml(textOf(mail, 'kind'))}</td><td><a href="${escapeHtml(href)}">${escapeHtml(textOf(mail, 'subject'))}</a></td></tr>`
  );
}

function pager(signed: Signed, filters: OutboxFilters, page: number, total: number) {
  const { t } = signed.speech;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  if (pages === 1) return '';
  const link = (to: number, label: string) =>
    `<a href="/manager/tools/outbox?${escapeHtml(outboxQuery(filters, to))}">${escapeHtml(label)}</a>`;
  return (
    `<nav aria-label="${escapeHtml(t('tools.pages'))}"><p>` +
    (page > 1 ? `${link(page - 1, t('tools.previous'))} ` : '') +
    escapeHtml(t('tools.page_of', { page, pages })) +
    (page < pages ? ` ${link(page + 1, t('tools.next'))}` : '') +
    '</p></nav>'
  );
}

function mailList(signed: Signed, filters: OutboxFilters, page: number, answer: PlaneAnswer) {
  const { t } = signed.speech;
  const mails = rowsOf(answer);
  const back = outboxQuery(filters, page);
  const list = mails.length
    ? table(
        [t('tools.outbox.date'), t('tools.outbox.to'), t('tools.outbox.kind'), t('tools.outbox.subject')],
        mails.map((m) => mailRow(signed, m, back)).join(''),
      ) + pager(signed, filters, page, answer.total ?? mails.length)
    : empty(t('tools.outbox.none'));
  return section('outbox-mails', t('tools.outbox.mails', { n: answer.total ?? mails.length }), list);
}

export const outboxBody = (signed: Signed, filters: OutboxFilters, page: number, answer: PlaneAnswer) =>
  filterForm(signed, filters, answer) + (answer.ok ? mailList(signed, filters, page, answer) : '');
