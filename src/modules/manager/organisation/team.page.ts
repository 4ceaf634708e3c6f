import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import type { Signed } from '../context.js';
import { inputField, notice, refusal, selectField } from '../forms.js';
import { hidden } from '../layout.js';
import { organisationPath } from '../organisation-nav.js';
import { joined, teamUsersOf, usersOf, type Team, type TeamUser } from './data.js';
import { button, notFoundPage, organisationOf, organisationPage, section } from './page.js';

// One team: renaming it, its members (added from the organisation's members, removed one by
// one), deleting it. A refused form is shown again in its section with what was typed.

export type TeamForm = 'rename' | 'add' | 'members' | 'delete';

export interface TeamState {
  done?: boolean;
  refused?: { form: TeamForm; answer: Answer<unknown> };
  name?: string;
  userId?: string;
}

interface Ctx {
  signed: Signed;
  base: string;
  state: TeamState;
}

const refusedIn = (ctx: Ctx, form: TeamForm) =>
  ctx.state.refused?.form === form ? ctx.state.refused.answer : undefined;

function renameSection(ctx: Ctx, team: Team): string {
  const { t } = ctx.signed.speech;
  const refused = refusedIn(ctx, 'rename');
  return section(
    'rename',
    t('org.team.rename'),
    refusal(refused, ['name']) +
      `<form method="post" action="${ctx.base}" novalidate>${hidden('csrf', ctx.signed.frame.csrf)}` +
      `<div>${inputField({ name: 'name', label: t('org.teams.name'), value: ctx.state.name ?? team.name, problems: refused?.fields ?? [], extra: ' required' })}</div>` +
      `<div>${button(t('org.team.rename_submit'))}</div></form>`,
  );
}

function memberRow(ctx: Ctx, u: TeamUser): string {
  const s = ctx.signed.speech;
  return (
    `<tr><th scope="row">${escapeHtml(u.display_name)}</th><td>${escapeHtml(u.email)}</td><td>` +
    `<form method="post" action="${ctx.base}/members/${u.id}/remove">${hidden('csrf', ctx.signed.frame.csrf)}` +
    `${button(s.t('org.users.remove'), { label: s.t('org.team.remove_member', { name: u.display_name }), danger: true })}</form></td></tr>`
  );
}

function membersSection(ctx: Ctx, members: TeamUser[]): string {
  const { t } = ctx.signed.speech;
  const head = ['org.users.name', 'org.users.email', 'org.users.actions'] as const;
  const table = members.length
    ? `<table><thead><tr>${head.map((k) => `<th scope="col">${escapeHtml(t(k))}</th>`).join('')}</tr></thead>` +
      `<tbody>${members.map((u) => memberRow(ctx, u)).join('')}</tbody></table>`
    : `<p>${escapeHtml(t('org.team.no_members'))}</p>`;
  return section('team-members', t('org.team.members'), refusal(refusedIn(ctx, 'members')) + table);
}

function addSection(ctx: Ctx, candidates: { user_id: number; display_name: string; email: string }[]): string {
  const { t } = ctx.signed.speech;
  const refused = refusedIn(ctx, 'add');
  const options = candidates.map((u) => ({ value: u.user_id, label: `${u.display_name} (${u.email})` }));
  return section(
    'add-member',
    t('org.team.add'),
    refusal(refused, ['user_ids']) +
      `<form method="post" action="${ctx.base}/members">${hidden('csrf', ctx.signed.frame.csrf)}` +
      `<div>${selectField({ name: 'user_ids', label: t('org.team.add_user'), options, selected: ctx.state.userId, problems: refused?.fields ?? [] })}</div>` +
      `<div>${button(t('org.team.add_submit'))}</div></form>`,
  );
}

function deleteSection(ctx: Ctx, team: Team): string {
  const { t } = ctx.signed.speech;
  return section(
    'delete-team',
    t('org.team.delete'),
    refusal(refusedIn(ctx, 'delete')) +
      `<p>${escapeHtml(t('org.team.delete_intro'))}</p>` +
      `<form method="post" action="${ctx.base}/delete">${hidden('csrf', ctx.signed.frame.csrf)}` +
      `${button(t('org.team.delete'), { label: `${t('org.team.delete')} – ${team.name}`, danger: true })}</form>`,
  );
}

export async function teamPage(
  signed: Signed,
  reply: FastifyReply,
  params: { account: string; team: string },
  state: TeamState = {},
) {
  const org = await organisationOf(signed, params.account);
  if (!org) return notFoundPage(signed, reply);
  const team = await signed.api<Team>('GET', `/1/accounts/${org.id}/teams/${encodeURIComponent(params.team)}`);
  if (!team.ok) return notFoundPage(signed, reply);
  const [members, users] = await Promise.all([teamUsersOf(signed, org.id, team.data.id), usersOf(signed, org.id)]);
  const inTeam = new Set(members.map((m) => m.id));
  const ctx: Ctx = { signed, base: `${organisationPath(org.id)}/teams/${team.data.id}`, state };
  const { t } = signed.speech;
  const body =
    `<p><a href="${organisationPath(org.id)}/teams">${escapeHtml(t('org.team.back'))}</a></p>` +
    notice(signed.speech, !!state.done) +
    renameSection(ctx, team.data) +
    membersSection(ctx, members) +
    addSection(
      ctx,
      joined(users).filter((u) => !inTeam.has(u.user_id)),
    ) +
    deleteSection(ctx, team.data);
  const title = t('org.team.title', { name: team.data.name });
  return organisationPage(signed, reply, { org, tab: 'teams', title, body });
}
