import { escapeHtml } from '../../../shared/html.js';
import { languages } from '../../reference/index.js';
import type { Answer } from '../api-client.js';
import { many, one, type Form, type Signed } from '../context.js';
import { inputField, refusal, selectField } from '../forms.js';
import { hidden } from '../layout.js';
import { organisationPath } from '../organisation-nav.js';
import type { AccountUser, Product, TeamBrief } from './data.js';
import { button, checkbox, roleOptions, section } from './page.js';
import { chosenInForm, idsOf, permissionsOf, rightsTable, teamChoices, type Chosen } from './rights-fields.js';

// "Add a user": the invitation with its role, billing access, product rights and teams, and
// the pending invitations, each of which may be cancelled.

const SHOWN = ['email', 'first_name', 'last_name', 'locale', 'role_type'];

export interface InviteValues {
  email: string;
  first_name: string;
  last_name: string;
  locale: string;
  role_type: string;
  billing: boolean;
  teams: Set<string>;
  rights: Chosen;
}

export const blankInvite = (signed: Signed): InviteValues => ({
  email: '',
  first_name: '',
  last_name: '',
  locale: languages.find(signed.me.language_id)?.locale ?? 'en_GB',
  role_type: 'normal',
  billing: false,
  teams: new Set(),
  rights: new Map(),
});

export function inviteValuesOf(form: Form, products: Product[]): InviteValues {
  return {
    email: one(form, 'email'),
    first_name: one(form, 'first_name'),
    last_name: one(form, 'last_name'),
    locale: one(form, 'locale'),
    role_type: one(form, 'role_type'),
    billing: one(form, 'billing') === '1',
    teams: new Set(many(form, 'teams')),
    rights: chosenInForm(form, products),
  };
}

/** The invitation as POST /1/accounts/{account}/invitations takes it. */
export function invitationBody(form: Form, products: Product[]) {
  return {
    email: one(form, 'email'),
    first_name: one(form, 'first_name'),
    last_name: one(form, 'last_name'),
    locale: one(form, 'locale'),
    role_type: one(form, 'role_type'),
    permissions: { billing: one(form, 'billing') === '1', products: permissionsOf(form, products) },
    teams: idsOf(many(form, 'teams')),
  };
}

export function inviteSection(
  signed: Signed,
  o: { accountId: number; values: InviteValues; products: Product[]; teams: TeamBrief[]; refused?: Answer<unknown> },
): string {
  const { t } = signed.speech;
  const problems = o.refused?.fields ?? [];
  const v = o.values;
  const text = (name: 'email' | 'first_name' | 'last_name', label: string, type = 'text') =>
    `<div>${inputField({ name, label, value: v[name], problems, type, extra: ' required' })}</div>`;
  const form =
    `<form method="post" action="${organisationPath(o.accountId)}/invitations" novalidate>${hidden('csrf', signed.frame.csrf)}` +
    text('email', t('org.users.email'), 'email') +
    text('first_name', t('org.invite.first_name')) +
    text('last_name', t('org.invite.last_name')) +
    `<div>${selectField({ name: 'locale', label: t('org.invite.locale'), options: languages.all.map((l) => ({ value: l.locale, label: l.name })), selected: v.locale, problems })}</div>` +
    `<div>${selectField({ name: 'role_type', label: t('org.users.role'), options: roleOptions(signed.speech, ['normal', 'admin', 'owner']), selected: v.role_type, problems })}</div>` +
    `<p>${checkbox({ id: 'f-billing', name: 'billing', value: '1', label: t('org.invite.billing'), checked: v.billing })}</p>` +
    rightsTable(signed.speech, o.products, v.rights) +
    teamChoices(signed.speech, o.teams, v.teams, 'teams') +
    `<div>${button(t('org.invite.submit'))}</div></form>`;
  return section('invite', t('org.invite.title'), refusal(o.refused, SHOWN) + form);
}

function pendingRow(signed: Signed, accountId: number, u: AccountUser): string {
  const s = signed.speech;
  const details = u.invitation_details;
  return (
    `<tr><th scope="row">${escapeHtml(u.display_name)}</th><td>${escapeHtml(u.email)}</td>` +
    `<td>${escapeHtml(s.when(details?.sent_at))}</td><td>${escapeHtml(s.when(details?.expired_at))}</td><td>` +
    `<form method="post" action="${organisationPath(accountId)}/invitations/${u.invitation_id ?? 0}/cancel">${hidden('csrf', signed.frame.csrf)}` +
    `${button(s.t('org.pending.cancel_label'), { label: s.t('org.pending.cancel', { name: u.display_name }), danger: true })}</form></td></tr>`
  );
}

export function pendingSection(
  signed: Signed,
  o: { accountId: number; users: AccountUser[]; refused?: Answer<unknown> },
): string {
  const { t } = signed.speech;
  const pending = o.users.filter((u) => u.state_in_account === 'pending' && u.invitation_id !== null);
  const head = [
    t('org.users.name'),
    t('org.users.email'),
    t('org.pending.sent'),
    t('org.pending.expires'),
    t('org.users.actions'),
  ]
    .map((h) => `<th scope="col">${escapeHtml(h)}</th>`)
    .join('');
  const table = pending.length
    ? `<table><thead><tr>${head}</tr></thead><tbody>${pending.map((u) => pendingRow(signed, o.accountId, u)).join('')}</tbody></table>`
    : `<p>${escapeHtml(t('org.pending.none'))}</p>`;
  return section('pending', t('org.pending.title'), refusal(o.refused) + table);
}
