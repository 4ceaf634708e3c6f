import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import type { Signed } from '../context.js';
import { refusal, selectField } from '../forms.js';
import { hidden } from '../layout.js';
import { organisationPath } from '../organisation-nav.js';
import { joined, type AccountUser } from './data.js';
import { button, roleOptions, section } from './page.js';

// Leaving the organisation, and handing its legal responsibility over to another member.

export interface LegalValues {
  user_id: string;
  previous_role: string;
}

export function leaveSection(signed: Signed, accountId: number, refused?: Answer<unknown>): string {
  const { t } = signed.speech;
  return section(
    'leave',
    t('org.leave.title'),
    refusal(refused) +
      `<p>${escapeHtml(t('org.leave.intro'))}</p>` +
      `<form method="post" action="${organisationPath(accountId)}/leave">${hidden('csrf', signed.frame.csrf)}` +
      `${button(t('org.leave.submit'), { danger: true })}</form>`,
  );
}

export function legalSection(
  signed: Signed,
  o: { accountId: number; users: AccountUser[]; values: LegalValues; refused?: Answer<unknown> },
): string {
  const { t } = signed.speech;
  const problems = o.refused?.fields ?? [];
  const others = joined(o.users).filter((u) => u.user_id !== signed.me.id);
  const form =
    `<form method="post" action="${organisationPath(o.accountId)}/legal-responsible">${hidden('csrf', signed.frame.csrf)}` +
    `<div>${selectField({ name: 'user_id', label: t('org.legal.user'), options: others.map((u) => ({ value: u.user_id, label: `${u.display_name} (${u.email})` })), selected: o.values.user_id, problems })}</div>` +
    `<div>${selectField({ name: 'previous_role', label: t('org.legal.previous_role'), options: roleOptions(signed.speech, ['admin', 'normal']), selected: o.values.previous_role, problems })}</div>` +
    `<div>${button(t('org.legal.submit'))}</div></form>`;
  return section(
    'legal',
    t('org.legal.title'),
    refusal(o.refused, ['user_id', 'previous_role']) + `<p>${escapeHtml(t('org.legal.intro'))}</p>` + form,
  );
}
