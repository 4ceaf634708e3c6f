import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { one, queried, type Deps, type Signed } from '../context.js';
import { inputField, refusal } from '../forms.js';
import { hidden } from '../layout.js';
import type { MessageKey } from '../messages.js';
import { FORM, PAGE } from '../route-config.js';
import { seeOther, toolsFor, toolsForm, type Tools } from './access.js';
import { rowsOf, textOf, type PlaneAnswer } from './control-plane.js';
import { backToIndex, buttonForm, done, empty, section, table, toolsPage } from './page.js';

// Sandboxes (GET/POST /_mirror/sandboxes, DELETE /_mirror/sandboxes/{name}): separate
// mirrors reached with X-Mirror-Sandbox or their own tokens; listing, making, deleting one.

const SAID = ['created', 'deleted'] as const;

function sandboxList(signed: Signed, answer: PlaneAnswer) {
  const { t } = signed.speech;
  const rows = rowsOf(answer).map((s) => {
    const name = textOf(s, 'name');
    const action = `/manager/tools/sandboxes/${encodeURIComponent(name)}/delete`;
    return (
      `<tr><th scope="row">${escapeHtml(name)}</th><td>` +
      buttonForm(signed, { action, label: t('tools.delete'), name, danger: true }) +
      '</td></tr>'
    );
  });
  const list = rows.length
    ? table([t('tools.sandboxes.name'), t('tools.sandboxes.actions')], rows.join(''))
    : empty(t('tools.sandboxes.none'));
  return section('sandbox-list', t('tools.sandboxes.list'), refusal(answer) + list);
}

function createForm(signed: Signed, name: string, refused: PlaneAnswer | undefined) {
  const { t } = signed.speech;
  return section(
    'sandbox-create',
    t('tools.sandboxes.create_title'),
    refusal(refused, ['name']) +
      `<form method="post" action="/manager/tools/sandboxes">${hidden('csrf', signed.frame.csrf)}` +
      inputField({ name: 'name', label: t('tools.sandboxes.name'), value: name, problems: refused?.fields ?? [] }) +
      `<p class="muted">${escapeHtml(t('tools.sandboxes.name_hint'))}</p>` +
      `<div><button type="submit">${escapeHtml(t('tools.sandboxes.create'))}</button></div></form>`,
  );
}

async function sandboxesPage(
  tools: Tools,
  reply: FastifyReply,
  o: { said?: string; name?: string; refused?: PlaneAnswer } = {},
) {
  const { signed } = tools;
  const list = await tools.plane('GET', '/_mirror/sandboxes');
  const body =
    backToIndex(signed) + done(o.said ?? '') + sandboxList(signed, list) + createForm(signed, o.name ?? '', o.refused);
  return toolsPage(signed, reply, signed.speech.t('tools.sandboxes.title'), body);
}

const afterChange = (reply: FastifyReply, said: (typeof SAID)[number], name: string) =>
  seeOther(reply, `/manager/tools/sandboxes?${new URLSearchParams({ said, name }).toString()}`);

async function create(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const tools = await toolsForm(deps, req, reply);
  if (!tools) return reply;
  const name = one(tools.form, 'name').trim();
  const answer = await tools.plane('POST', '/_mirror/sandboxes', { name });
  if (answer.ok) return afterChange(reply, 'created', name);
  return sandboxesPage(tools, reply, { name, refused: answer });
}

async function drop(deps: Deps, req: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) {
  const tools = await toolsForm(deps, req, reply);
  if (!tools) return reply;
  const answer = await tools.plane('DELETE', `/_mirror/sandboxes/${encodeURIComponent(req.params.name)}`);
  if (answer.ok) return afterChange(reply, 'deleted', req.params.name);
  return sandboxesPage(tools, reply, { refused: answer });
}

export function sandboxRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager/tools/sandboxes', PAGE, async (req, reply) => {
    const tools = await toolsFor(deps, req, reply);
    if (!tools) return reply;
    const said = SAID.find((s) => s === queried(req, 'said'));
    const { t } = tools.signed.speech;
    const text = said ? t(`tools.sandboxes.${said}` satisfies MessageKey, { name: queried(req, 'name') }) : '';
    return sandboxesPage(tools, reply, { said: text });
  });
  app.post('/manager/tools/sandboxes', FORM, (req, reply) => create(deps, req, reply));
  app.post<{ Params: { name: string } }>('/manager/tools/sandboxes/:name/delete', FORM, (req, reply) =>
    drop(deps, req, reply),
  );
}
