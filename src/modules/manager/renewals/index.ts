import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formOf, formValid, one, queried, signedIn, type Deps, type Signed } from '../context.js';
import { FORM, PAGE } from '../route-config.js';
import { anyRefused, switchOne, switchSelection } from './changes.js';
import { managePage } from './manage.js';
import { doneOf, doneQuery, switchOf, type Outcomes } from './outcomes.js';
import { errorPage, renewalsPage } from './page.js';
import { managePath, renewalsPath } from './paths.js';
import { idOf, productIds, queriedIds } from './selection.js';

// The console's auto-renewal pages ("Comptabilité → Renouvellement auto"): the products' state
// with a ⋮ menu each, the selection managed in bulk, and the renewal run's last attempts.

type AccountRequest = FastifyRequest<{ Params: { account: string } }>;
type ProductRequest = FastifyRequest<{ Params: { account: string; product: string } }>;

const BASE = '/manager/accounts/:account/accounting/renewals';

/** After a change: a redirect to the page carrying the outcomes, or the page with the refusals. */
async function answerChange(signed: Signed, reply: FastifyReply, accountId: number, o: Outcomes, ids: number[]) {
  if (!anyRefused(o)) return reply.code(303).redirect(`${renewalsPath(accountId)}${doneQuery(o)}`, 303);
  return renewalsPage(signed, reply, accountId, { selected: ids, outcomes: o });
}

/** The signed-in context of a change, once the form's token and the organisation's id are good. */
async function changeContext(deps: Deps, req: AccountRequest, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return undefined;
  const form = formOf(req);
  const accountId = idOf(req.params.account);
  if (!(await formValid(deps, signed, form))) {
    await errorPage(signed, reply, signed.speech.t('form.expired'));
    return undefined;
  }
  if (accountId === undefined) {
    await errorPage(signed, reply, signed.speech.t('error.not_found'));
    return undefined;
  }
  return { signed, form, accountId, action: switchOf(one(form, 'action')) };
}

async function changeOne(deps: Deps, req: ProductRequest, reply: FastifyReply) {
  const c = await changeContext(deps, req, reply);
  if (!c) return reply;
  const productId = idOf(req.params.product);
  if (!c.action || productId === undefined) return errorPage(c.signed, reply, c.signed.speech.t('error.not_found'));
  const o = await switchOne(c.signed, c.accountId, productId, c.action);
  return answerChange(c.signed, reply, c.accountId, o, []);
}

async function changeSelection(deps: Deps, req: AccountRequest, reply: FastifyReply) {
  const c = await changeContext(deps, req, reply);
  if (!c) return reply;
  const ids = productIds(c.form);
  if (!c.action || !ids.length) return reply.code(303).redirect(managePath(c.accountId), 303);
  const o = await switchSelection(c.signed, c.accountId, ids, c.action);
  return answerChange(c.signed, reply, c.accountId, o, ids);
}

async function showPage(deps: Deps, req: AccountRequest, reply: FastifyReply, page: 'list' | 'manage') {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const accountId = idOf(req.params.account);
  if (accountId === undefined) return errorPage(signed, reply, signed.speech.t('error.not_found'));
  if (page === 'manage') return managePage(signed, reply, accountId, queriedIds(req));
  const selected = queried(req, 'select') === 'all' ? 'all' : queriedIds(req);
  return renewalsPage(signed, reply, accountId, { selected, outcomes: doneOf(req) });
}

export function renewalRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Params: { account: string } }>(BASE, PAGE, (req, reply) => showPage(deps, req, reply, 'list'));
  app.get<{ Params: { account: string } }>(`${BASE}/manage`, PAGE, (req, reply) =>
    showPage(deps, req, reply, 'manage'),
  );
  app.post<{ Params: { account: string } }>(`${BASE}/manage`, FORM, (req, reply) => changeSelection(deps, req, reply));
  app.post<{ Params: { account: string; product: string } }>(`${BASE}/:product`, FORM, (req, reply) =>
    changeOne(deps, req, reply),
  );
}
