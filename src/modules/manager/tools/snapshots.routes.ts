import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { one, queried, type Deps, type Signed } from '../context.js';
import { inputField, refusal } from '../forms.js';
import { hidden } from '../layout.js';
import type { MessageKey } from '../messages.js';
import { FORM, PAGE } from '../route-config.js';
import { seeOther, toolsFor, toolsForm, type Tools } from './access.js';
import { numberOf, rowsOf, textOf, type PlaneAnswer } from './control-plane.js';
import { backToIndex, buttonForm, done, empty, section, table, toolsPage } from './page.js';

// Snapshots of the whole state (GET/POST /_mirror/snapshots, POST …/{name}/restore,
// DELETE …/{name}): the saved ones, taking one under a name, restoring one, deleting one.

const SAID = ['taken', 'restored', 'deleted'] as const;

function snapshotRow(signed: Signed, s: Record<string, unknown>) {
  const { t, when } = signed.speech;
  const name = textOf(s, 'name');
  const action = (verb: string) => `/manager/tools/snapshots/${encodeURIComponent(name)}/${verb}`;
  return (
    `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(when(numberOf(s, 'created_at')))}</td>` +
    `<td>${escapeHtml(textOf(s, 'tables'))}</td><td>${escapeHtml(textOf(s, 'rows'))}</td><td>` +
    buttonForm(signed, { action: action('restore'), label: t('tools.snapshots.restore'), name }) +
    ' ' +
    buttonForm(signed, { action: action('delete'), label: t('tools.delete'), name, danger: true }) +
    '</td></tr>'
  );
}

function snapshotList(signed: Signed, answer: PlaneAnswer) {
  const { t } = signed.speech;
  const rows = rowsOf(answer);
  const headings = ['name', 'taken_at', 'tables', 'rows', 'actions'] as const;
  const list = rows.length
    ? table(
        headings.map((h) => t(`tools.snapshots.col.${h}`)),
        rows.map((s) => snapshotRow(signed, s)).join(''),
      )
    : empty(t('tools.snapshots.none'));
  return section('snapshot-list', t('tools.snapshots.saved'), refusal(answer) + list);
}

function takeForm(signed: Signed, name: string, refused: PlaneAnswer | undefined) {
  const { t } = signed.speech;
  return section(
    'snapshot-take',
    t('tools.snapshots.take_title'),
    refusal(refused, ['name']) +
      `<form method="post" action="/manager/tools/snapshots">${hidden('csrf', signed.frame.csrf)}` +
      inputField({ name: 'name', label: t('tools.snapshots.name'), value: name, problems: refused?.fields ?? [] }) +
      `<p class="muted">${escapeHtml(t('tools.snapshots.name_hint'))}</p>` +
      `<div><button type="submit">${escapeHtml(t('tools.snapshots.take'))}</button></div></form>`,
  );
}

async function snapshotsPage(
  tools: Tools,
  reply: FastifyReply,
  o: { said?: string; name?: string; refused?: PlaneAnswer } = {},
) {
  const { signed } = tools;
  const list = await tools.plane('GET', '/_mirror/snapshots');
  const body =
    backToIndex(signed) + done(o.said ?? '') + snapshotList(signed, list) + takeForm(signed, o.name ?? '', o.refused);
  return toolsPage(signed, reply, signed.speech.t('tools.snapshots.title'), body);
}

const afterChange = (reply: FastifyReply, said: (typeof SAID)[number], name: string) =>
  seeOther(reply, `/manager/tools/snapshots?${new URLSearchParams({ said, name }).toString()}`);

async function take(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const tools = await toolsForm(deps, req, reply);
  if (!tools) return reply;
  const name = one(tools.form, 'name').trim();
  const answer = await tools.plane('POST', '/_mirror/snapshots', { name });
  if (answer.ok) return afterChange(reply, 'taken', name);
  return snapshotsPage(tools, reply, { name, refused: answer });
}

/** Restoring or deleting the snapshot the address names. */
async function change(
  deps: Deps,
  req: FastifyRequest<{ Params: { name: string } }>,
  reply: FastifyReply,
  restore: boolean,
) {
  const tools = await toolsForm(deps, req, reply);
  if (!tools) return reply;
  const at = `/_mirror/snapshots/${encodeURIComponent(req.params.name)}`;
  const answer = restore ? await tools.plane('POST', `${at}/restore`) : await tools.plane('DELETE', at);
  if (answer.ok) return afterChange(reply, restore ? 'restored' : 'deleted', req.params.name);
  return snapshotsPage(tools, reply, { refused: answer });
}

export function snapshotRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager/tools/snapshots', PAGE, async (req, reply) => {
    const tools = await toolsFor(deps, req, reply);
    if (!tools) return reply;
    const said = SAID.find((s) => s === queried(req, 'said'));
    const { t } = tools.signed.speech;
    const text = said ? t(`tools.snapshots.${said}` satisfies MessageKey, { name: queried(req, 'name') }) : '';
    return snapshotsPage(tools, reply, { said: text });
  });
  app.post('/manager/tools/snapshots', FORM, (req, reply) => take(deps, req, reply));
  app.post<{ Params: { name: string } }>('/manager/tools/snapshots/:name/restore', FORM, (req, reply) =>
    change(deps, req, reply, true),
  );
  app.post<{ Params: { name: string } }>('/manager/tools/snapshots/:name/delete', FORM, (req, reply) =>
    change(deps, req, reply, false),
  );
}
