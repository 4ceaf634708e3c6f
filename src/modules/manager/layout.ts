import type { FastifyReply } from 'fastify';
import { escapeHtml } from '../../shared/html.js';
import type { Lang, Speech } from './i18n.js';

// The frame of every console page: the header (menu, language, sign-out) and the page's
// own content, sent with the headers of a page that posts only to itself and runs no script.

export type Place = 'home' | 'profile' | 'organisation' | 'tools' | 'none';

export interface Frame {
  speech: Speech;
  /** The console's CSRF token of this session, for the header's forms. */
  csrf: string;
  /** Whether the test tools are open to this browser (it gave the admin token). */
  tools: boolean;
  /** Whether the mirror runs a control plane (MIRROR_ADMIN_TOKEN set): the menu then leads to the tools page, which asks for the token. */
  controlPlane: boolean;
  /** The page's own address, where the header's forms come back to. */
  here: string;
}

const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const hidden = (name: string, value: string | number) =>
  `<input type="hidden" name="${name}" value="${escapeHtml(String(value))}">`;

function menu(frame: Frame, place: Place): string {
  const { t } = frame.speech;
  const item = (to: Place, href: string, label: string) =>
    `<li><a href="${href}"${to === place ? ' aria-current="page"' : ''}>${escapeHtml(label)}</a></li>`;
  return (
    `<nav aria-label="${escapeHtml(t('nav.main'))}"><ul>` +
    item('home', '/manager', t('nav.home')) +
    item('profile', '/manager/profile', t('nav.profile')) +
    (frame.controlPlane ? item('tools', '/manager/tools', t('nav.tools')) : '') +
    '</ul></nav>'
  );
}

function languageSwitch(frame: Frame): string {
  const { t, lang } = frame.speech;
  const option = (value: Lang, label: string) =>
    `<option value="${value}"${value === lang ? ' selected' : ''}>${label}</option>`;
  return (
    `<form method="post" action="/manager/language">${hidden('csrf', frame.csrf)}${hidden('back', frame.here)}` +
    `<label for="lang-switch" class="inline">${escapeHtml(t('lang.label'))}</label>` +
    `<select id="lang-switch" name="lang">${option('fr', 'Français')}${option('en', 'English')}</select>` +
    `<button type="submit" class="secondary">${escapeHtml(t('lang.switch'))}</button></form>`
  );
}

function signOut(frame: Frame): string {
  return (
    `<form method="post" action="/manager/sign-out">${hidden('csrf', frame.csrf)}` +
    `<button type="submit" class="secondary">${escapeHtml(frame.speech.t('nav.sign_out'))}</button></form>`
  );
}

function document(lang: Lang, title: string, header: string, body: string): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/manager/assets/manager.css"></head>` +
    `<body>${header}<main id="main">${body}</main></body></html>`
  );
}

/** A signed-in page: the header, then `body` (already HTML) under its heading. */
export function framedPage(frame: Frame, place: Place, title: string, body: string): string {
  const header =
    `<header><a class="brand" href="/manager">${escapeHtml(frame.speech.t('app.name'))}</a>` +
    `${menu(frame, place)}<div class="actions">${languageSwitch(frame)}${signOut(frame)}</div></header>`;
  return document(
    frame.speech.lang,
    `${title} · ${frame.speech.t('app.name')}`,
    header,
    `<h1>${escapeHtml(title)}</h1>${body}`,
  );
}

/** A signed-in page that only says why nothing is shown or done (not found, a form expired). */
export const alertPage = (reply: FastifyReply, frame: Frame, place: Place, text: string) =>
  sendHtml(
    reply,
    200,
    framedPage(frame, place, frame.speech.t('error.title'), `<p class="alert" role="alert">${escapeHtml(text)}</p>`),
  );

/** A page before sign-in: no menu. */
export function barePage(speech: Speech, title: string, body: string): string {
  const header = `<header><span class="brand">${escapeHtml(speech.t('app.name'))}</span></header>`;
  return document(speech.lang, `${title} · ${speech.t('app.name')}`, header, `<h1>${escapeHtml(title)}</h1>${body}`);
}

/**
 * Sends a page. A form refused (by the API, or an expired token) is answered 200 with the
 * refusal in the page: it is a page the person reads, and a browser logs a console error for
 * any other status.
 */
export function sendHtml(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(html);
}
