import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { queried, type Deps, type Signed } from '../context.js';
import { inputField, refusal, selectField } from '../forms.js';
import { PAGE } from '../route-config.js';
import { toolsFor } from './access.js';
import { numberOf, rowsOf, textOf, type PlaneAnswer } from './control-plane.js';
import { backToIndex, empty, section, table, toolsPage } from './page.js';

// The request journal (GET /_mirror/requests): the latest requests this instance answered,
// newest first, filtered by method, part of the path, status; the control plane's own left out.

const FILTERS = ['method', 'path', 'status', 'limit'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function filterForm(signed: Signed, filters: Filters, answer: PlaneAnswer) {
  const { t } = signed.speech;
  const problems = answer.fields;
  const options = [{ value: '', label: t('tools.any') }, ...METHODS.map((m) => ({ value: m, label: m }))];
  return section(
    'journal-filters',
    t('tools.filters'),
    refusal(answer, FILTERS) +
      '<form method="get" action="/manager/tools/journal">' +
      selectField({ name: 'method', label: t('tools.journal.method'), options, selected: filters.method, problems }) +
      inputField({ name: 'path', label: t('tools.journal.path_part'), value: filters.path, problems }) +
      inputField({
        name: 'status',
        label: t('tools.journal.status'),
        value: filters.status,
        problems,
        type: 'number',
      }) +
      inputField({ name: 'limit', label: t('tools.journal.limit'), value: filters.limit, problems, type: 'number' }) +
      `<div><button type="submit">${escapeHtml(t('tools.filter'))}</button></div></form>`,
  );
}

function entryRow(signed: Signed, e: Record<string, unknown>) {
  const at = numberOf(e, 'at');
  const cell = (v: string) => `<td>${escapeHtml(v)}</td>`;
  return (
    `<tr>${cell(signed.speech.when(at === undefined ? undefined : Math.floor(at / 1000)))}${cell(textOf(e, 'method'))}` +
    `<td><code>${escapeHtml(textOf(e, 'path'))}</code></td>${cell(textOf(e, 'status'))}` +
    `${cell(`${Math.round(numberOf(e, 'duration_ms') ?? 0)} ms`)}${cell(textOf(e, 'error_code'))}</tr>`
  );
}

function entries(signed: Signed, answer: PlaneAnswer) {
  const { t } = signed.speech;
  const rows = rowsOf(answer);
  const list = rows.length
    ? table(
        [
          t('tools.journal.at'),
          t('tools.journal.method'),
          t('tools.journal.path'),
          t('tools.journal.status'),
          t('tools.journal.duration'),
          t('tools.journal.error_code'),
        ],
        rows.map((e) => entryRow(signed, e)).join(''),
      )
    : empty(t('tools.journal.none'));
  return section('journal-entries', t('tools.journal.entries', { n: rows.length }), list);
}

async function journal(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const tools = await toolsFor(deps, req, reply);
  if (!tools) return reply;
  const filters: Filters = { method: '', path: '', status: '', limit: '50' };
  for (const f of FILTERS) filters[f] = queried(req, f) || filters[f];
  const q = new URLSearchParams();
  for (const f of FILTERS) if (filters[f]) q.set(f, filters[f]);
  const answer = await tools.plane('GET', `/_mirror/requests?${q.toString()}`);
  const { signed } = tools;
  const body = backToIndex(signed) + filterForm(signed, filters, answer) + (answer.ok ? entries(signed, answer) : '');
  return toolsPage(signed, reply, signed.speech.t('tools.journal.title'), body);
}

export function journalRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager/tools/journal', PAGE, (req, reply) => journal(deps, req, reply));
}
