import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { actions } from '../../reference/index.js';
import { queried, signedIn, type Deps, type Signed } from '../context.js';
import { refusal, selectField } from '../forms.js';
import { PAGE } from '../route-config.js';
import { section, securityPage } from './frame.js';

// "Activity": the profile's own activity log (GET /2/profile/logs), newest first, a page at a
// time, filtered by action; dates in the profile's time zone.

const HERE = '/manager/profile/activity';
const PER_PAGE = 20;

interface Activity {
  id: number;
  action: string;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
}

/** The action's description from the catalogue, with its code. */
const actionText = (code: string) => {
  const known = actions.all.find((a) => a.code === code);
  return known ? `${known.description} (${code})` : code;
};

function filterForm(signed: Signed, action: string): string {
  const { t } = signed.speech;
  const options = [
    { value: '', label: t('activity.all') },
    ...actions.all.map((a) => ({ value: a.code, label: a.code })),
  ];
  return (
    `<form method="get" action="${HERE}" aria-label="${escapeHtml(t('activity.filter'))}">` +
    selectField({ name: 'action', label: t('activity.action'), options, selected: action, problems: [] }) +
    `<div><button type="submit" class="secondary">${escapeHtml(t('activity.show'))}</button></div></form>`
  );
}

function logTable(signed: Signed, lines: Activity[]): string {
  const s = signed.speech;
  if (lines.length === 0) return `<p class="muted">${escapeHtml(s.t('activity.none'))}</p>`;
  const heads = ['activity.when', 'activity.action', 'activity.ip', 'activity.agent'] as const;
  const rows = lines.map(
    (l) =>
      `<tr><th scope="row">${escapeHtml(s.when(l.created_at))}</th><td>${escapeHtml(actionText(l.action))}</td>` +
      `<td>${escapeHtml(l.ip ?? '–')}</td><td>${escapeHtml(l.user_agent ?? '–')}</td></tr>`,
  );
  return (
    `<table><thead><tr>${heads.map((h) => `<th scope="col">${escapeHtml(s.t(h))}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function pager(signed: Signed, action: string, page: number, more: boolean): string {
  const { t } = signed.speech;
  const link = (p: number, key: 'activity.newer' | 'activity.older') => {
    const q = new URLSearchParams({ ...(action ? { action } : {}), page: String(p) });
    return `<a href="${HERE}?${escapeHtml(q.toString())}" rel="${key === 'activity.newer' ? 'prev' : 'next'}">${escapeHtml(t(key))}</a>`;
  };
  const parts = [
    page > 1 ? link(page - 1, 'activity.newer') : '',
    `<span>${escapeHtml(t('activity.page', { n: page }))}</span>`,
    more ? link(page + 1, 'activity.older') : '',
  ];
  return `<nav aria-label="${escapeHtml(t('activity.pages'))}"><p>${parts.filter(Boolean).join(' · ')}</p></nav>`;
}

async function activityPage(signed: Signed, reply: FastifyReply, action: string, page: number) {
  // One line more than the page shows: whether there is an older page.
  const q = new URLSearchParams({ limit: String(PER_PAGE + 1), skip: String((page - 1) * PER_PAGE) });
  if (action) q.set('action', action);
  const logs = await signed.api<Activity[]>('GET', `/2/profile/logs?${q.toString()}`);
  const lines = logs.ok ? logs.data : [];
  const body =
    refusal(logs.ok ? undefined : logs) +
    section(
      'activity',
      signed.speech.t('activity.log'),
      filterForm(signed, action) +
        logTable(signed, lines.slice(0, PER_PAGE)) +
        pager(signed, action, page, lines.length > PER_PAGE),
    );
  return securityPage(signed, reply, { current: HERE, title: 'activity.title', body });
}

export function activityRoutes(app: FastifyInstance, deps: Deps) {
  app.get(HERE, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const typed = queried(req, 'page');
    // A page number is the console's own link; anything else reads as the first page.
    const page = /^[1-9]\d{0,4}$/.test(typed) ? Number(typed) : 1;
    return activityPage(signed, reply, queried(req, 'action'), page);
  });
}
