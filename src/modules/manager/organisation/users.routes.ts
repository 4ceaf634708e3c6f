import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formOf, formValid, many, one, queried, signedIn, type Deps } from '../context.js';
import { PAGE, FORM } from '../route-config.js';
import { productsOf } from './data.js';
import { accountIdOf, backTo, expiredPage, notFoundPage, type AccountParams } from './page.js';
import { invitationBody, inviteValuesOf } from './users.invite.js';
import { usersPage } from './users.page.js';

// The Users tab and its forms: each posts here, calls the API as the user, then goes back to
// the page (303) or shows it again with the API's refusal in the form's section.

type Req<P = object> = FastifyRequest<{ Params: { account: string } & P }>;
type Rows = { Params: { account: string; id: string } };

async function invite(deps: Deps, req: Req, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply);
  const accountId = accountIdOf(req.params.account);
  if (accountId === undefined) return notFoundPage(signed, reply);
  const products = await productsOf(signed, accountId);
  const answer = await signed.api('POST', `/1/accounts/${accountId}/invitations`, invitationBody(form, products));
  if (answer.ok) return backTo(reply, accountId, '', '#pending');
  const values = inviteValuesOf(form, products);
  return usersPage(signed, reply, req.params.account, { refused: { form: 'invite', answer }, invite: values });
}

async function cancelInvitation(deps: Deps, req: Req<{ id: string }>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  if (!(await formValid(deps, signed, formOf(req)))) return expiredPage(signed, reply);
  const { account, id } = req.params;
  const answer = await signed.api('DELETE', `/1/accounts/${enc(account)}/invitations/${enc(id)}`);
  if (answer.ok) return backTo(reply, account, '', '#pending');
  return usersPage(signed, reply, account, { refused: { form: 'pending', answer } });
}

async function removeSelection(deps: Deps, req: Req, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply);
  const selected = many(form, 'user_ids');
  const ids = selected.map((v) => (/^\d+$/.test(v) ? Number(v) : v));
  const answer = await signed.api('POST', `/2/accounts/${enc(req.params.account)}/users/remove`, { user_ids: ids });
  if (answer.ok) return backTo(reply, req.params.account, '');
  return usersPage(signed, reply, req.params.account, { refused: { form: 'members', answer }, selected });
}

async function removeOne(deps: Deps, req: Req<{ id: string }>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply);
  const { account, id } = req.params;
  const answer = await signed.api('DELETE', `/2/accounts/${enc(account)}/users/${enc(id)}`);
  if (answer.ok) return backTo(reply, account, '');
  return usersPage(signed, reply, account, { refused: { form: 'members', answer }, selected: many(form, 'user_ids') });
}

async function leave(deps: Deps, req: Req, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  if (!(await formValid(deps, signed, formOf(req)))) return expiredPage(signed, reply);
  const answer = await signed.api('POST', `/1/accounts/${enc(req.params.account)}/leave`);
  // Once gone, the organisation's pages are no longer the user's: back to their organisations.
  if (answer.ok) return reply.code(303).redirect('/manager', 303);
  return usersPage(signed, reply, req.params.account, { refused: { form: 'leave', answer } });
}

async function handOver(deps: Deps, req: Req, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply);
  const legal = { user_id: one(form, 'user_id'), previous_role: one(form, 'previous_role') };
  const userId = /^\d+$/.test(legal.user_id) ? Number(legal.user_id) : legal.user_id;
  const body = { user_id: userId, previous_role: legal.previous_role };
  const answer = await signed.api('POST', `/1/accounts/${enc(req.params.account)}/legal_responsible`, body);
  if (answer.ok) return backTo(reply, req.params.account, '');
  return usersPage(signed, reply, req.params.account, { refused: { form: 'legal', answer }, legal });
}

const enc = encodeURIComponent;

export function usersRoutes(app: FastifyInstance, deps: Deps) {
  const base = '/manager/accounts/:account';
  app.get<AccountParams>(base, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    return usersPage(signed, reply, req.params.account, { done: queried(req, 'done') === '1' });
  });
  app.post<AccountParams>(`${base}/invitations`, FORM, (req, reply) => invite(deps, req, reply));
  app.post<Rows>(`${base}/invitations/:id/cancel`, FORM, (req, reply) => cancelInvitation(deps, req, reply));
  app.post<AccountParams>(`${base}/users/remove`, FORM, (req, reply) => removeSelection(deps, req, reply));
  app.post<Rows>(`${base}/users/:id/remove`, FORM, (req, reply) => removeOne(deps, req, reply));
  app.post<AccountParams>(`${base}/leave`, FORM, (req, reply) => leave(deps, req, reply));
  app.post<AccountParams>(`${base}/legal-responsible`, FORM, (req, reply) => handOver(deps, req, reply));
}
