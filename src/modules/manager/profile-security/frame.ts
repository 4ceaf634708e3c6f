import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { framedPage, sendHtml } from '../layout.js';
import type { MessageKey } from '../messages.js';

// What the profile's pages share: their sub-menu (the preferences page shows it too), the page in the frame, the "form expired" page, and a section under its heading.

const MENU = [
  ['/manager/profile', 'security.menu.profile'],
  ['/manager/profile/tokens', 'security.menu.tokens'],
  ['/manager/profile/app-passwords', 'security.menu.app_passwords'],
  ['/manager/profile/sessions', 'security.menu.sessions'],
  ['/manager/profile/activity', 'security.menu.activity'],
  ['/manager/profile/notifications', 'security.menu.notifications'],
] as const satisfies readonly (readonly [string, MessageKey])[];

export type SecurityPath = (typeof MENU)[number][0];

export function profileMenu(signed: Signed, current: SecurityPath): string {
  const { t } = signed.speech;
  const items = MENU.map(
    ([href, label]) =>
      `<li><a href="${href}"${href === current ? ' aria-current="page"' : ''}>${escapeHtml(t(label))}</a></li>`,
  ).join('');
  return `<nav class="tabs" aria-label="${escapeHtml(t('security.menu'))}"><ul>${items}</ul></nav>`;
}

/** One of these pages: the sub-menu, then `body` (already HTML), under `title`. */
export function securityPage(
  signed: Signed,
  reply: FastifyReply,
  o: { current: SecurityPath; title: MessageKey; body: string },
) {
  const html = framedPage(signed.frame, 'profile', signed.speech.t(o.title), profileMenu(signed, o.current) + o.body);
  return sendHtml(reply, 200, html);
}

/** A form without this session's token: nothing was done. */
export const expiredPage = (signed: Signed, reply: FastifyReply, current: SecurityPath) =>
  securityPage(signed, reply, {
    current,
    title: 'error.title',
    body: `<p class="alert" role="alert">${escapeHtml(signed.speech.t('form.expired'))}</p>`,
  });

/** A section with its heading, named for assistive technology by that heading. */
export const section = (id: string, heading: string, body: string) =>
  `<section aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(heading)}</h2>${body}</section>`;

/** The status line of a change done, from the `done` query of the redirect that followed it. */
export const doneNotice = (text: string | undefined) =>
  text ? `<p class="notice" role="status">${escapeHtml(text)}</p>` : '';
