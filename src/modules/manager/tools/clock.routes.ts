import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecord } from '../../../shared/is-record.js';
import { timezones } from '../../reference/index.js';
import { one, queried, type Deps, type Form } from '../context.js';
import { FORM, PAGE } from '../route-config.js';
import { seeOther, toolsFor, toolsForm, type Tools } from './access.js';
import { clockForms, clockNow, clockRun, type ClockValues, type RunCounts } from './clock-page.js';
import { numberOf, type PlaneAnswer } from './control-plane.js';
import { backToIndex, toolsPage } from './page.js';
import { TOOLS_STYLESHEET_LINK } from './stylesheet.js';
import { zonedSeconds } from './zoned-time.js';

// The mirror's clock (GET/PUT /_mirror/clock): its time, moving it forward or to a date, and
// what the move ran (renewals, pending charges), as the control plane answered it.

const zoneOf = (tools: Tools) => timezones.find(tools.signed.me.timezone_id)?.name ?? 'UTC';

async function clockPage(
  tools: Tools,
  reply: FastifyReply,
  o: { values?: ClockValues; refused?: PlaneAnswer; run?: RunCounts } = {},
) {
  const { signed } = tools;
  const answer = await tools.plane('GET', '/_mirror/clock');
  const clock = isRecord(answer.data) ? answer.data : {};
  const now = {
    now: numberOf(clock, 'now') ?? 0,
    real_now: numberOf(clock, 'real_now') ?? 0,
    offset_seconds: numberOf(clock, 'offset_seconds') ?? 0,
  };
  const body =
    TOOLS_STYLESHEET_LINK +
    backToIndex(signed) +
    (o.run ? clockRun(signed, o.run) : '') +
    clockNow(signed, now) +
    clockForms(signed, o.values ?? { advance: '', now: '' }, o.refused);
  return toolsPage(signed, reply, signed.speech.t('tools.clock.title'), body);
}

/** The body PUT /_mirror/clock takes for the form sent; what cannot be read goes as typed, for the control plane to refuse. */
function moveOf(tools: Tools, form: Form, values: ClockValues): Record<string, unknown> {
  const action = one(form, 'action');
  if (action === 'reset') return { reset: true };
  if (action === 'now') return { now: zonedSeconds(values.now, zoneOf(tools)) ?? values.now };
  return { advance: /^\d+$/.test(values.advance) ? Number(values.advance) : values.advance };
}

/** The counts of the move's answer, as the redirect's query. */
function runQuery(data: unknown): string {
  const of = (group: string, key: string) =>
    isRecord(data) && isRecord(data[group]) ? String(numberOf(data[group], key) ?? 0) : '0';
  const run: RunCounts = {
    renewed: of('renewals', 'succeeded'),
    renewal_failed: of('renewals', 'failed'),
    locked: of('renewals', 'locked'),
    charged: of('charges', 'succeeded'),
    declined: of('charges', 'failed'),
  };
  return new URLSearchParams({ moved: '1', ...run }).toString();
}

/** What the last move ran, from the page's query. */
const runOf = (req: FastifyRequest): RunCounts => ({
  renewed: queried(req, 'renewed'),
  renewal_failed: queried(req, 'renewal_failed'),
  locked: queried(req, 'locked'),
  charged: queried(req, 'charged'),
  declined: queried(req, 'declined'),
});

async function moveClock(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const tools = await toolsForm(deps, req, reply);
  if (!tools) return reply;
  const values = { advance: one(tools.form, 'advance').trim(), now: one(tools.form, 'now').trim() };
  const answer = await tools.plane('PUT', '/_mirror/clock', moveOf(tools, tools.form, values));
  if (answer.ok) return seeOther(reply, `/manager/tools/clock?${runQuery(answer.data)}`);
  return clockPage(tools, reply, { values, refused: answer });
}

export function clockRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager/tools/clock', PAGE, async (req, reply) => {
    const tools = await toolsFor(deps, req, reply);
    if (!tools) return reply;
    return clockPage(tools, reply, { run: queried(req, 'moved') === '1' ? runOf(req) : undefined });
  });
  app.post('/manager/tools/clock', FORM, (req, reply) => moveClock(deps, req, reply));
}
