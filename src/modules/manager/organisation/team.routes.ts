import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formOf, formValid, one, queried, signedIn, type Deps } from '../context.js';
import { FORM, PAGE } from '../route-config.js';
import { backTo, expiredPage } from './page.js';
import { teamPage } from './team.page.js';

// The forms of one team's page; each calls the API, then goes back to the page (303) or shows
// it again with the API's refusal.

type TeamParams = { Params: { account: string; team: string } };
type MemberParams = { Params: { account: string; team: string; user: string } };

const enc = encodeURIComponent;
const teamUrl = (p: TeamParams['Params']) => `/1/accounts/${enc(p.account)}/teams/${enc(p.team)}`;
const asId = (v: string) => (/^\d+$/.test(v) ? Number(v) : v);

async function rename(deps: Deps, req: FastifyRequest<TeamParams>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply);
  const name = one(form, 'name');
  const answer = await signed.api('PATCH', teamUrl(req.params), { name });
  if (answer.ok) return backTo(reply, req.params.account, `/teams/${enc(req.params.team)}`);
  return teamPage(signed, reply, req.params, { refused: { form: 'rename', answer }, name });
}

async function addMember(deps: Deps, req: FastifyRequest<TeamParams>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply);
  const userId = one(form, 'user_ids');
  const answer = await signed.api('POST', `${teamUrl(req.params)}/users`, { user_ids: [asId(userId)] });
  if (answer.ok) return backTo(reply, req.params.account, `/teams/${enc(req.params.team)}`, '#team-members');
  return teamPage(signed, reply, req.params, { refused: { form: 'add', answer }, userId });
}

async function removeMember(deps: Deps, req: FastifyRequest<MemberParams>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  if (!(await formValid(deps, signed, formOf(req)))) return expiredPage(signed, reply);
  const answer = await signed.api('DELETE', `${teamUrl(req.params)}/users`, { user_ids: [asId(req.params.user)] });
  if (answer.ok) return backTo(reply, req.params.account, `/teams/${enc(req.params.team)}`, '#team-members');
  return teamPage(signed, reply, req.params, { refused: { form: 'members', answer } });
}

async function deleteTeam(deps: Deps, req: FastifyRequest<TeamParams>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  if (!(await formValid(deps, signed, formOf(req)))) return expiredPage(signed, reply);
  const answer = await signed.api('DELETE', teamUrl(req.params));
  if (answer.ok) return backTo(reply, req.params.account, '/teams');
  return teamPage(signed, reply, req.params, { refused: { form: 'delete', answer } });
}

export function teamRoutes(app: FastifyInstance, deps: Deps) {
  const path = '/manager/accounts/:account/teams/:team';
  app.get<TeamParams>(path, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    return teamPage(signed, reply, req.params, { done: queried(req, 'done') === '1' });
  });
  app.post<TeamParams>(path, FORM, (req, reply) => rename(deps, req, reply));
  app.post<TeamParams>(`${path}/members`, FORM, (req, reply) => addMember(deps, req, reply));
  app.post<MemberParams>(`${path}/members/:user/remove`, FORM, (req, reply) => removeMember(deps, req, reply));
  app.post<TeamParams>(`${path}/delete`, FORM, (req, reply) => deleteTeam(deps, req, reply));
}
