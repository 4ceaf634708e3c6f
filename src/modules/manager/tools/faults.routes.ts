import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { queried, type Deps, type Signed } from '../context.js';
import { refusal } from '../forms.js';
import { FORM, PAGE } from '../route-config.js';
import { seeOther, toolsFor, toolsForm, type Tools } from './access.js';
import { numberOf, rowsOf, textOf, type PlaneAnswer } from './control-plane.js';
import { faultBody, faultForm, faultValuesOf, noFault, type FaultValues } from './faults-form.js';
import { backToIndex, buttonForm, done, empty, section, table, toolsPage } from './page.js';

// Fault rules (GET/POST /_mirror/faults, DELETE /_mirror/faults/{id}): the rules in force on
// this instance, with how many requests each answered; adding one; deleting one.

/** What a rule does to the requests it meets, in a few words. */
function effectOf(signed: Signed, r: Record<string, unknown>) {
  const { t } = signed.speech;
  const parts = [textOf(r, 'status'), textOf(r, 'error_code')].filter(Boolean);
  const delay = numberOf(r, 'delay_ms');
  const max = numberOf(r, 'delay_max_ms');
  if (delay !== undefined) parts.push(t('tools.faults.delay', { ms: max === undefined ? delay : `${delay}–${max}` }));
  if (r.drop === true) parts.push(t('tools.faults.dropped'));
  return parts.join(', ');
}

function ruleRow(signed: Signed, r: Record<string, unknown>) {
  const { t } = signed.speech;
  const method = textOf(r, 'method') || t('tools.any');
  const effect = effectOf(signed, r);
  const cell = (v: string) => `<td>${escapeHtml(v)}</td>`;
  return (
    `<tr><th scope="row"><code>${escapeHtml(`${method} ${textOf(r, 'path')}`)}</code></th>${cell(effect)}` +
    `${cell(textOf(r, 'probability'))}${cell(textOf(r, 'token') ? t('yes') : t('no'))}${cell(textOf(r, 'hits'))}<td>` +
    buttonForm(signed, {
      action: `/manager/tools/faults/${encodeURIComponent(textOf(r, 'id'))}/delete`,
      label: t('tools.delete'),
      name: `${method} ${textOf(r, 'path')} → ${effect}`,
      danger: true,
    }) +
    '</td></tr>'
  );
}

function ruleList(signed: Signed, answer: PlaneAnswer) {
  const { t } = signed.speech;
  const rules = rowsOf(answer);
  const headings = ['rule', 'effect', 'probability', 'token', 'hits', 'actions'] as const;
  const list = rules.length
    ? table(
        headings.map((h) => t(`tools.faults.col.${h}`)),
        rules.map((r) => ruleRow(signed, r)).join(''),
      )
    : empty(t('tools.faults.none'));
  return section('fault-rules', t('tools.faults.rules'), refusal(answer) + list);
}

async function faultsPage(
  tools: Tools,
  reply: FastifyReply,
  o: { said?: string; values?: FaultValues; refused?: PlaneAnswer } = {},
) {
  const { signed } = tools;
  const rules = await tools.plane('GET', '/_mirror/faults');
  const body =
    backToIndex(signed) +
    done(o.said ?? '') +
    ruleList(signed, rules) +
    faultForm(signed, o.values ?? noFault, o.refused);
  return toolsPage(signed, reply, signed.speech.t('tools.faults.title'), body);
}

async function addFault(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const tools = await toolsForm(deps, req, reply);
  if (!tools) return reply;
  const values = faultValuesOf(tools.form);
  const answer = await tools.plane('POST', '/_mirror/faults', faultBody(values));
  if (answer.ok) return seeOther(reply, '/manager/tools/faults?said=added');
  return faultsPage(tools, reply, { values, refused: answer });
}

async function deleteFault(deps: Deps, req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const tools = await toolsForm(deps, req, reply);
  if (!tools) return reply;
  const answer = await tools.plane('DELETE', `/_mirror/faults/${encodeURIComponent(req.params.id)}`);
  if (answer.ok) return seeOther(reply, '/manager/tools/faults?said=deleted');
  return faultsPage(tools, reply, { refused: answer });
}

export function faultRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager/tools/faults', PAGE, async (req, reply) => {
    const tools = await toolsFor(deps, req, reply);
    if (!tools) return reply;
    const said = queried(req, 'said');
    const { t } = tools.signed.speech;
    return faultsPage(tools, reply, {
      said: said === 'added' ? t('tools.faults.added') : said === 'deleted' ? t('tools.faults.deleted') : '',
    });
  });
  app.post('/manager/tools/faults', FORM, (req, reply) => addFault(deps, req, reply));
  app.post<{ Params: { id: string } }>('/manager/tools/faults/:id/delete', FORM, (req, reply) =>
    deleteFault(deps, req, reply),
  );
}
