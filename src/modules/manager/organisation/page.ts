import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import type { Speech } from '../i18n.js';
import { alertPage, framedPage, sendHtml } from '../layout.js';
import { organisationNav, organisationPath, type Organisation, type OrganisationTab } from '../organisation-nav.js';

export { organisationOf, type Organisation } from '../organisation-nav.js';

// What every organisation page shares: the organisation as the API shows it to the user (or
// "not found" when the API says so), the frame with the organisation's tabs, the answers of
// the forms (303 back to the page, or the page saying the form expired).

export type AccountParams = { Params: { account: string } };

/** The account id of an address, or undefined when it cannot be one (the page is then not found). */
export const accountIdOf = (raw: string): number | undefined => (/^\d{1,10}$/.test(raw) ? Number(raw) : undefined);

const alertOf = (signed: Signed, reply: FastifyReply, text: string) =>
  alertPage(reply, signed.frame, 'organisation', text);

export const notFoundPage = (signed: Signed, reply: FastifyReply) =>
  alertOf(signed, reply, signed.speech.t('error.not_found'));

export const expiredPage = (signed: Signed, reply: FastifyReply) =>
  alertOf(signed, reply, signed.speech.t('form.expired'));

/** A page of the organisation: its tabs, then `body` (already HTML). */
export function organisationPage(
  signed: Signed,
  reply: FastifyReply,
  o: { org: Organisation; tab: OrganisationTab; title: string; body: string },
) {
  const nav = organisationNav(signed.frame, o.org.id, o.org.name, o.tab);
  return sendHtml(reply, 200, framedPage(signed.frame, 'organisation', o.title, nav + o.body));
}

/** Post/Redirect/Get: back to a page of the organisation, saying it was done. */
export const backTo = (reply: FastifyReply, accountId: number | string, part: string, anchor = '') =>
  reply.code(303).redirect(`${organisationPath(Number(accountId))}${part}?done=1${anchor}`, 303);

/** A section with its heading, labelled by it. */
export const section = (id: string, title: string, body: string) =>
  `<section aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(title)}</h2>${body}</section>`;

/** A submit button; `label` tells rows apart for assistive technology when it differs from the text. */
export function button(text: string, o: { label?: string; danger?: boolean; formaction?: string } = {}): string {
  const aria = o.label ? ` aria-label="${escapeHtml(o.label)}"` : '';
  const cls = o.danger ? ' class="danger"' : '';
  const action = o.formaction ? ` formaction="${escapeHtml(o.formaction)}"` : '';
  return `<button type="submit"${cls}${aria}${action}>${escapeHtml(text)}</button>`;
}

/** A checkbox with its label after it. */
export function checkbox(o: { id: string; name: string; value: string; label: string; checked: boolean }): string {
  return (
    `<span class="check"><input type="checkbox" id="${o.id}" name="${o.name}" value="${escapeHtml(o.value)}"${o.checked ? ' checked' : ''}>` +
    `<label for="${o.id}" class="inline">${escapeHtml(o.label)}</label></span>`
  );
}

const ROLE_KEYS = { owner: 'org.role.owner', admin: 'org.role.admin', normal: 'org.role.normal' } as const;

/** A role as the Manager names it; the API's word for a role it does not know. */
export function roleName(s: Speech, role: string): string {
  return role === 'owner' || role === 'admin' || role === 'normal' ? s.t(ROLE_KEYS[role]) : role;
}

export const roleOptions = (s: Speech, roles: readonly string[]) =>
  roles.map((r) => ({ value: r, label: roleName(s, r) }));
