import { escapeHtml } from '../../../shared/html.js';
import { SCOPES } from '../../../shared/scopes.js';
import type { Answer, FieldProblem } from '../api-client.js';
import type { Signed } from '../context.js';
import { inputField, refusal } from '../forms.js';
import { hidden } from '../layout.js';
import { doneNotice, section } from './frame.js';

// The API tokens page: the list (never the secrets) and the creation form.

export interface Token {
  id: number;
  name: string;
  scopes: string[];
  created_at: number;
  expired_at: number | null;
  last_used_at: number | null;
}

/** What was typed in the creation form, kept when the API refuses it. */
export interface TokenTyped {
  name: string;
  scopes: string[];
  expiry: string;
}

const FIELDS = ['name', 'scopes', 'expired_at'];

function tokenRow(signed: Signed, token: Token): string {
  const s = signed.speech;
  const name = escapeHtml(token.name);
  return (
    `<tr><th scope="row">${name}</th><td>${escapeHtml(token.scopes.join(', '))}</td>` +
    `<td>${escapeHtml(s.when(token.created_at))}</td>` +
    `<td>${escapeHtml(token.last_used_at === null ? s.t('security.never_used') : s.when(token.last_used_at))}</td>` +
    `<td>${escapeHtml(token.expired_at === null ? s.t('tokens.no_expiry') : s.when(token.expired_at))}</td><td>` +
    `<form method="post" action="/manager/profile/tokens/${token.id}/revoke" class="inline">${hidden('csrf', signed.frame.csrf)}` +
    `<button type="submit" class="danger" aria-label="${escapeHtml(`${s.t('tokens.revoke')} – ${token.name}`)}">${escapeHtml(s.t('tokens.revoke'))}</button></form></td></tr>`
  );
}

function tokenTable(signed: Signed, tokens: Token[]): string {
  const { t } = signed.speech;
  if (tokens.length === 0) return `<p class="muted">${escapeHtml(t('tokens.none'))}</p>`;
  const heads = ['security.name', 'tokens.scopes', 'security.created', 'security.last_used', 'tokens.expiry'] as const;
  return (
    `<table><thead><tr>${heads.map((h) => `<th scope="col">${escapeHtml(t(h))}</th>`).join('')}` +
    `<th scope="col">${escapeHtml(t('security.actions'))}</th></tr></thead>` +
    `<tbody>${tokens.map((x) => tokenRow(signed, x)).join('')}</tbody></table>`
  );
}

/** The scopes as checkboxes in a fieldset, with the API's message on them (on the list or one item). */
function scopesField(signed: Signed, checked: string[], problems: FieldProblem[]): string {
  const problem = problems.find((p) => p.attribute === 'scopes' || p.attribute.startsWith('scopes.'));
  const described = problem ? ' aria-describedby="f-scopes-error"' : '';
  const boxes = SCOPES.map(
    (scope) =>
      `<label class="inline"><input type="checkbox" name="scopes" value="${scope}"${checked.includes(scope) ? ' checked' : ''}> ${escapeHtml(scope)}</label>`,
  ).join(' ');
  return (
    `<fieldset${described}><legend>${escapeHtml(signed.speech.t('tokens.scopes'))}</legend>${boxes}` +
    (problem ? `<p class="field-error" id="f-scopes-error">${escapeHtml(problem.description)}</p>` : '') +
    '</fieldset>'
  );
}

function createForm(signed: Signed, typed: TokenTyped, refused?: Answer<unknown>): string {
  const { t } = signed.speech;
  const problems = refused?.fields ?? [];
  const shown = problems.map((p) => p.attribute).filter((a) => FIELDS.some((f) => a === f || a.startsWith(`${f}.`)));
  return section(
    'new-token',
    t('tokens.new'),
    refusal(refused, shown) +
      `<form method="post" action="/manager/profile/tokens">${hidden('csrf', signed.frame.csrf)}` +
      inputField({ name: 'name', label: t('security.name'), value: typed.name, problems }) +
      scopesField(signed, typed.scopes, problems) +
      inputField({
        name: 'expired_at',
        label: t('tokens.expiry_field'),
        value: typed.expiry,
        problems,
        type: 'date',
      }) +
      `<div><button type="submit">${escapeHtml(t('tokens.create'))}</button></div></form>`,
  );
}

export function tokensBody(
  signed: Signed,
  tokens: Token[],
  o: { done?: string; typed?: TokenTyped; refused?: Answer<unknown>; failed?: Answer<unknown> },
): string {
  const typed = o.typed ?? { name: '', scopes: [], expiry: '' };
  return (
    doneNotice(o.done) +
    refusal(o.failed) +
    section('tokens', signed.speech.t('tokens.list'), tokenTable(signed, tokens)) +
    createForm(signed, typed, o.refused)
  );
}
