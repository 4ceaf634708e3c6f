import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import type { Signed } from '../context.js';
import { inputField, refusal } from '../forms.js';
import { hidden } from '../layout.js';
import { doneNotice, section } from './frame.js';

// The application passwords page: the list (never the passwords) and the creation form.

export interface AppPassword {
  id: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

function passwordRow(signed: Signed, p: AppPassword): string {
  const s = signed.speech;
  return (
    `<tr><th scope="row">${escapeHtml(p.name)}</th><td>${escapeHtml(s.when(p.created_at))}</td>` +
    `<td>${escapeHtml(p.last_used_at === null ? s.t('security.never_used') : s.when(p.last_used_at))}</td><td>` +
    `<form method="post" action="/manager/profile/app-passwords/${p.id}/delete" class="inline">${hidden('csrf', signed.frame.csrf)}` +
    `<button type="submit" class="danger" aria-label="${escapeHtml(`${s.t('app_passwords.delete')} – ${p.name}`)}">${escapeHtml(s.t('app_passwords.delete'))}</button></form></td></tr>`
  );
}

function passwordTable(signed: Signed, passwords: AppPassword[]): string {
  const { t } = signed.speech;
  if (passwords.length === 0) return `<p class="muted">${escapeHtml(t('app_passwords.none'))}</p>`;
  const heads = ['security.name', 'security.created', 'security.last_used', 'security.actions'] as const;
  return (
    `<table><thead><tr>${heads.map((h) => `<th scope="col">${escapeHtml(t(h))}</th>`).join('')}</tr></thead>` +
    `<tbody>${passwords.map((p) => passwordRow(signed, p)).join('')}</tbody></table>`
  );
}

function createForm(signed: Signed, name: string, refused?: Answer<unknown>): string {
  const { t } = signed.speech;
  const problems = refused?.fields ?? [];
  return section(
    'new-app-password',
    t('app_passwords.new'),
    refusal(refused, ['name']) +
      `<form method="post" action="/manager/profile/app-passwords">${hidden('csrf', signed.frame.csrf)}` +
      inputField({ name: 'name', label: t('security.name'), value: name, problems }) +
      `<div><button type="submit">${escapeHtml(t('app_passwords.create'))}</button></div></form>`,
  );
}

export function appPasswordsBody(
  signed: Signed,
  passwords: AppPassword[],
  o: { done?: string; name?: string; refused?: Answer<unknown>; failed?: Answer<unknown> },
): string {
  return (
    doneNotice(o.done) +
    refusal(o.failed) +
    section('app-passwords', signed.speech.t('app_passwords.list'), passwordTable(signed, passwords)) +
    createForm(signed, o.name ?? '', o.refused)
  );
}
