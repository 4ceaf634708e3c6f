import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { SCOPE_DESCRIPTIONS } from './oauth-scopes.js';
import { escapeHtml } from '../../shared/html.js';

// The three server-rendered pages of the authorization flow: sign-in, consent, error. Small,
// accessible (labels, one heading, lang), no external assets; the one stylesheet is inline
// and allowed by its hash, so the Content-Security-Policy needs no 'unsafe-inline'.

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.4rem}label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #777;border-radius:4px}
button{margin-top:1.25rem;padding:.55rem 1.1rem;font:inherit;border-radius:4px;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b57d0;margin-left:.5rem}.error{color:#a50e0e;border-left:4px solid #a50e0e;padding-left:.75rem}
ul{padding-left:1.2rem}.muted{color:#555;font-size:.9rem}`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

function layout(title: string, body: string) {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)} · ik-mirror</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`
  );
}

/**
 * Sends a page with the headers every one of them carries: no framing (clickjacking), no
 * caching, no referrer leaking the query, and forms that may only post here (or, after a
 * consent, be redirected to the client's registered `formTarget`).
 */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string, formTarget?: string) {
  const formAction = ["'self'", formTarget].filter(Boolean).join(' ');
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src ${STYLE_HASH}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(layout(title, body));
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

export function signInPage(o: { action: string; csrf: string; clientName: string; email?: string; error?: string }) {
  return (
    `<h1>Sign in to continue to ${escapeHtml(o.clientName)}</h1>` +
    (o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : '') +
    `<form method="post" action="${escapeHtml(o.action)}">${hidden('csrf', o.csrf)}${hidden('step', 'sign_in')}` +
    `<label for="email">E-mail address</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(o.email ?? '')}">` +
    `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>` +
    '<button type="submit">Sign in</button></form>'
  );
}

export function consentPage(o: {
  action: string;
  csrf: string;
  clientName: string;
  userEmail: string;
  scopes: string[];
}) {
  const items = o.scopes
    .map((s) => `<li><strong>${escapeHtml(s)}</strong>: ${escapeHtml(SCOPE_DESCRIPTIONS[s] ?? s)}</li>`)
    .join('');
  return (
    `<h1>${escapeHtml(o.clientName)} asks for access</h1>` +
    `<p>Signed in as <strong>${escapeHtml(o.userEmail)}</strong>. ${escapeHtml(o.clientName)} will be able to:</p><ul>${items}</ul>` +
    `<form method="post" action="${escapeHtml(o.action)}">${hidden('csrf', o.csrf)}${hidden('step', 'consent')}` +
    '<button type="submit" name="decision" value="allow">Allow</button>' +
    '<button type="submit" name="decision" value="deny" class="secondary">Deny</button></form>' +
    '<p class="muted">You can revoke this access at any time by deleting the tokens of this application.</p>'
  );
}

export const errorPage = (message: string) =>
  `<h1>This request cannot continue</h1><p class="error" role="alert">${escapeHtml(message)}</p>` +
  '<p class="muted">Go back to the application you came from and try again.</p>';
