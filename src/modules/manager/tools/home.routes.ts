import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import { formOf, formValid, one, signedIn, type Deps, type Signed } from '../context.js';
import type { MessageKey } from '../messages.js';
import { FORM, PAGE } from '../route-config.js';
import { toolsUnlocked, unlockTools } from '../tools-access.js';
import { seeOther } from './access.js';
import { expiredPage, notFoundPage, section, toolsPage } from './page.js';
import { toolsAddress, unlockPage } from './unlock-page.js';

// /manager/tools: the unlock form while the browser has not given the admin token, then the
// index of the tools. Reached by its address: the menu shows it only once unlocked.

const TOOLS = ['outbox', 'clock', 'journal', 'faults', 'snapshots', 'sandboxes'] as const;

function indexPage(signed: Signed, reply: FastifyReply) {
  const { t } = signed.speech;
  const items = TOOLS.map(
    (tool) =>
      `<li><a href="/manager/tools/${tool}">${escapeHtml(t(`tools.${tool}.title` satisfies MessageKey))}</a> – ` +
      `${escapeHtml(t(`tools.${tool}.about` satisfies MessageKey))}</li>`,
  ).join('');
  return toolsPage(signed, reply, t('tools.title'), section('tools-index', t('tools.index'), `<ul>${items}</ul>`));
}

async function showTools(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const token = deps.app.config.MIRROR_ADMIN_TOKEN;
  if (!token) return notFoundPage(signed, reply);
  return toolsUnlocked(req, token) ? indexPage(signed, reply) : unlockPage(signed, reply, {});
}

async function unlock(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const token = deps.app.config.MIRROR_ADMIN_TOKEN;
  if (!token) return notFoundPage(signed, reply);
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply);
  const back = toolsAddress(one(form, 'back'));
  if (unlockTools(req, reply, token, one(form, 'token'))) return seeOther(reply, back);
  return unlockPage(signed, reply, { back, wrong: true });
}

export function toolsHomeRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager/tools', PAGE, (req, reply) => showTools(deps, req, reply));
  app.post('/manager/tools', FORM, (req, reply) => unlock(deps, req, reply));
}
