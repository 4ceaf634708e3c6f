import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import type { Signed } from '../context.js';
import { refusal } from '../forms.js';
import { hidden } from '../layout.js';
import { organisationPath } from '../organisation-nav.js';
import { joined, type AccountUser } from './data.js';
import { button, roleName, section } from './page.js';

// The members with their role and rights: one form around the table, so that the checked rows
// are removed together ("Remove the selection") while each row's own button removes that row
// alone (its formaction).

type Joined = ReturnType<typeof joined>[number];

function memberRow(signed: Signed, accountId: number, u: Joined, selected: Set<string>): string {
  const s = signed.speech;
  const base = organisationPath(accountId);
  const id = String(u.user_id);
  const box =
    `<input type="checkbox" name="user_ids" value="${id}" aria-label="${escapeHtml(s.t('org.users.select', { name: u.display_name }))}"` +
    `${selected.has(id) ? ' checked' : ''}>`;
  const teams = (u.teams ?? []).map((team) => team.name).join(', ');
  const rights = `<a href="${base}/users/${id}" aria-label="${escapeHtml(s.t('org.users.rights_of', { name: u.display_name }))}">${escapeHtml(s.t('org.users.rights'))}</a>`;
  const remove = button(s.t('org.users.remove'), {
    label: s.t('org.users.remove_one', { name: u.display_name }),
    danger: true,
    formaction: `${base}/users/${id}/remove`,
  });
  return (
    `<tr><td>${box}</td><th scope="row">${escapeHtml(u.display_name)}</th><td>${escapeHtml(u.email)}</td>` +
    `<td>${escapeHtml(roleName(s, u.role_type))}</td><td>${escapeHtml(s.t(u.has_billing_access ? 'yes' : 'no'))}</td>` +
    `<td>${escapeHtml(teams)}</td><td>${escapeHtml(s.when(u.last_login_at))}</td><td>${rights} ${remove}</td></tr>`
  );
}

export function membersSection(
  signed: Signed,
  o: { accountId: number; users: AccountUser[]; selected: Set<string>; refused?: Answer<unknown> },
): string {
  const { t } = signed.speech;
  const members = joined(o.users);
  const columns = [
    'org.users.name',
    'org.users.email',
    'org.users.role',
    'org.users.billing',
    'org.users.teams',
  ] as const;
  const head = [
    'org.users.selection' as const,
    ...columns,
    'org.users.last_login' as const,
    'org.users.actions' as const,
  ]
    .map((k) => `<th scope="col">${escapeHtml(t(k))}</th>`)
    .join('');
  const body = members.length
    ? `<form method="post" action="${organisationPath(o.accountId)}/users/remove">${hidden('csrf', signed.frame.csrf)}` +
      `<table><thead><tr>${head}</tr></thead><tbody>${members.map((u) => memberRow(signed, o.accountId, u, o.selected)).join('')}</tbody></table>` +
      `<div>${button(t('org.users.remove_selection'), { danger: true })}</div></form>`
    : `<p>${escapeHtml(t('org.users.none'))}</p>`;
  return section('members', t('org.users.members'), refusal(o.refused) + body);
}
