import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Signed } from '../context.js';
import { framedPage, hidden, sendHtml } from '../layout.js';

// What the tools pages share: their frame (the "Test tools" place of the menu), their
// sections, the forms of one button, and the pages that answer instead of a tool.

export function toolsPage(signed: Signed, reply: FastifyReply, title: string, body: string, status = 200) {
  return sendHtml(reply, status, framedPage(signed.frame, 'tools', title, body));
}

/** A section under its heading, which names it for assistive technology. */
export const section = (id: string, title: string, body: string) =>
  `<section aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(title)}</h2>${body}</section>`;

/** A link back to the tools' index, above each tool. */
export const backToIndex = (signed: Signed) =>
  `<p><a href="/manager/tools">${escapeHtml(signed.speech.t('tools.back'))}</a></p>`;

/** A form of one button posting to `action`; `name` tells the row's button from the others. */
export function buttonForm(signed: Signed, o: { action: string; label: string; name: string; danger?: boolean }) {
  return (
    `<form method="post" action="${escapeHtml(o.action)}" class="inline">${hidden('csrf', signed.frame.csrf)}` +
    `<button type="submit"${o.danger ? ' class="danger"' : ''} aria-label="${escapeHtml(`${o.label} – ${o.name}`)}">${escapeHtml(o.label)}</button></form>`
  );
}

export const expiredPage = (signed: Signed, reply: FastifyReply) =>
  toolsPage(
    signed,
    reply,
    signed.speech.t('error.title'),
    `<p class="alert" role="alert">${escapeHtml(signed.speech.t('form.expired'))}</p>`,
  );

/** Without MIRROR_ADMIN_TOKEN there is no control plane, hence no tools: the pages are not there. */
export const notFoundPage = (signed: Signed, reply: FastifyReply) =>
  sendHtml(
    reply,
    404,
    framedPage(
      signed.frame,
      'none',
      signed.speech.t('error.title'),
      `<p class="alert" role="alert">${escapeHtml(signed.speech.t('error.not_found'))}</p>`,
    ),
  );

/** A table with its column headings. */
export const table = (headings: string[], rows: string) =>
  `<table><thead><tr>${headings.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;

/** A paragraph saying a list is empty. */
export const empty = (text: string) => `<p class="muted">${escapeHtml(text)}</p>`;

/** The page's status line after a change (Post/Redirect/Get carries it in the query). */
export const done = (text: string) => (text ? `<p class="notice" role="status">${escapeHtml(text)}</p>` : '');
