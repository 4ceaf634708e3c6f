import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import { formOf, formValid, one, queried, signedIn, type Deps, type Signed } from '../context.js';
import { inputField, notice, refusal } from '../forms.js';
import { hidden } from '../layout.js';
import { organisationPath } from '../organisation-nav.js';
import { FORM, PAGE } from '../route-config.js';
import { teamsOf, type Team } from './data.js';
import {
  backTo,
  button,
  expiredPage,
  notFoundPage,
  organisationOf,
  organisationPage,
  section,
  type AccountParams,
} from './page.js';

// The Teams tab: the organisation's teams with their member count, and creating one.

function teamRow(signed: Signed, accountId: number, team: Team): string {
  const label = signed.speech.t('org.teams.open', { name: team.name });
  return (
    `<tr><th scope="row"><a href="${organisationPath(accountId)}/teams/${team.id}" aria-label="${escapeHtml(label)}">${escapeHtml(team.name)}</a></th>` +
    `<td>${team.user_count}</td></tr>`
  );
}

function listSection(signed: Signed, accountId: number, teams: Team[]): string {
  const { t } = signed.speech;
  const table = teams.length
    ? `<table><thead><tr><th scope="col">${escapeHtml(t('org.teams.name'))}</th><th scope="col">${escapeHtml(t('org.teams.members'))}</th></tr></thead>` +
      `<tbody>${teams.map((team) => teamRow(signed, accountId, team)).join('')}</tbody></table>`
    : `<p>${escapeHtml(t('org.teams.none'))}</p>`;
  return section('teams', t('org.teams.title'), table);
}

function createSection(signed: Signed, accountId: number, name: string, refused?: Answer<unknown>): string {
  const { t } = signed.speech;
  return section(
    'create-team',
    t('org.teams.create'),
    refusal(refused, ['name']) +
      `<form method="post" action="${organisationPath(accountId)}/teams" novalidate>${hidden('csrf', signed.frame.csrf)}` +
      `<div>${inputField({ name: 'name', label: t('org.teams.name'), value: name, problems: refused?.fields ?? [], extra: ' required' })}</div>` +
      `<div>${button(t('org.teams.create_submit'))}</div></form>`,
  );
}

async function teamsPage(
  signed: Signed,
  reply: FastifyReply,
  account: string,
  o: { done?: boolean; name?: string; refused?: Answer<unknown> } = {},
) {
  const org = await organisationOf(signed, account);
  if (!org) return notFoundPage(signed, reply);
  const teams = await teamsOf(signed, org.id);
  const body =
    notice(signed.speech, !!o.done) +
    listSection(signed, org.id, teams) +
    createSection(signed, org.id, o.name ?? '', o.refused);
  return organisationPage(signed, reply, { org, tab: 'teams', title: signed.speech.t('org.teams.title'), body });
}

async function createTeam(deps: Deps, req: FastifyRequest<AccountParams>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply);
  const name = one(form, 'name');
  const answer = await signed.api<Team>('POST', `/1/accounts/${encodeURIComponent(req.params.account)}/teams`, {
    name,
  });
  // The new team's own page, where its members are added.
  if (answer.ok) return backTo(reply, req.params.account, `/teams/${answer.data.id}`);
  return teamsPage(signed, reply, req.params.account, { name, refused: answer });
}

export function teamsRoutes(app: FastifyInstance, deps: Deps) {
  const path = '/manager/accounts/:account/teams';
  app.get<AccountParams>(path, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    return teamsPage(signed, reply, req.params.account, { done: queried(req, 'done') === '1' });
  });
  app.post<AccountParams>(path, FORM, (req, reply) => createTeam(deps, req, reply));
}
