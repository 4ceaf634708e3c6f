import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { queried, type Deps, type Signed } from '../context.js';
import { PAGE } from '../route-config.js';
import { toolsFor } from './access.js';
import { numberOf, rowsOf, textOf, type Plane } from './control-plane.js';
import { OUTBOX_FILTERS, outboxBody, type OutboxFilters, PER_PAGE } from './outbox-list.js';
import { backToIndex, toolsPage } from './page.js';
import { TOOLS_STYLESHEET_LINK } from './stylesheet.js';

// The mails the mirror "sent" (GET /_mirror/outbox): the inbox, and each mail on its own page.

const filtersOf = (req: FastifyRequest): OutboxFilters => ({
  kind: queried(req, 'kind'),
  recipient: queried(req, 'recipient'),
  user_id: queried(req, 'user_id'),
});

const pageOf = (req: FastifyRequest) => {
  const page = Number(queried(req, 'page'));
  return Number.isInteger(page) && page > 1 ? page : 1;
};

async function inbox(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const tools = await toolsFor(deps, req, reply);
  if (!tools) return reply;
  const filters = filtersOf(req);
  const page = pageOf(req);
  const q = new URLSearchParams({ per_page: String(PER_PAGE), page: String(page) });
  for (const f of OUTBOX_FILTERS) if (filters[f]) q.set(f, filters[f]);
  const answer = await tools.plane('GET', `/_mirror/outbox?${q.toString()}`);
  const { t } = tools.signed.speech;
  const body = backToIndex(tools.signed) + outboxBody(tools.signed, filters, page, answer);
  return toolsPage(tools.signed, reply, t('tools.outbox.title'), body);
}

/** The mail of this id: the outbox has no route for one, so its pages are read until it shows. */
async function findMail(plane: Plane, id: number): Promise<Record<string, unknown> | undefined> {
  const size = 1000;
  for (let skip = 0; ; skip += size) {
    const answer = await plane('GET', `/_mirror/outbox?limit=${size}&skip=${skip}`);
    const rows = rowsOf(answer);
    const found = rows.find((m) => numberOf(m, 'id') === id);
    if (found || rows.length < size) return found;
  }
}

function mailArticle(signed: Signed, mail: Record<string, unknown>) {
  const s = signed.speech;
  const line = (label: string, value: string) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`;
  return (
    `<article aria-labelledby="mail-subject" class="mail"><h2 id="mail-subject">${escapeHtml(textOf(mail, 'subject'))}</h2><dl class="facts">` +
    line(s.t('tools.outbox.from'), s.t('tools.outbox.sender')) +
    line(s.t('tools.outbox.to'), textOf(mail, 'recipient')) +
    line(s.t('tools.outbox.date'), s.when(numberOf(mail, 'created_at'))) +
    line(s.t('tools.outbox.kind'), textOf(mail, 'kind')) +
    // The body is the mirror's text, maybe with markup in it: shown as text, never as HTML.
    `</dl><pre class="mail-body">${escapeHtml(textOf(mail, 'body'))}</pre></article>`
  );
}

async function oneMail(deps: Deps, req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const tools = await toolsFor(deps, req, reply);
  if (!tools) return reply;
  const { t } = tools.signed.speech;
  const mail = /^\d+$/.test(req.params.id) ? await findMail(tools.plane, Number(req.params.id)) : undefined;
  const back = new URLSearchParams();
  for (const f of [...OUTBOX_FILTERS, 'page']) if (queried(req, f)) back.set(f, queried(req, f));
  const inboxLink = `<p><a href="/manager/tools/outbox${back.size ? `?${escapeHtml(back.toString())}` : ''}">${escapeHtml(t('tools.outbox.back'))}</a></p>`;
  if (!mail)
    return toolsPage(
      tools.signed,
      reply,
      t('tools.outbox.title'),
      inboxLink + `<p class="alert" role="alert">${escapeHtml(t('error.not_found'))}</p>`,
      404,
    );
  const body = TOOLS_STYLESHEET_LINK + inboxLink + mailArticle(tools.signed, mail);
  return toolsPage(tools.signed, reply, t('tools.outbox.mail'), body);
}

export function outboxRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager/tools/outbox', PAGE, (req, reply) => inbox(deps, req, reply));
  app.get<{ Params: { id: string } }>('/manager/tools/outbox/:id', PAGE, (req, reply) => oneMail(deps, req, reply));
}
