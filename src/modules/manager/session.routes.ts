import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { escapeHtml } from '../../shared/html.js';
import { clearSessionCookie, refusalMessage, setSessionCookie, signIn } from '../oauth/index.js';
import { formOf, formValid, one, queried, signedIn, type Deps } from './context.js';
import { speech } from './i18n.js';
import { barePage, hidden, sendHtml } from './layout.js';
import { PAGE, FORM } from './route-config.js';

// Signing in and out of the console, and its language switch. The session is the one of the
// authorization pages (oauth/browser-session.ts): signed in on one, signed in on the other.

/** Where a sign-in goes on to: a console page the sign-in was asked for, else the console's home. */
const nextOf = (raw: unknown) => (typeof raw === 'string' && /^\/manager(\/|\?|$)/.test(raw) ? raw : '/manager');

/** Before sign-in the console speaks the browser's language. */
const browserSpeech = (req: FastifyRequest) =>
  speech(/^\s*fr\b/i.test(req.headers['accept-language'] ?? '') ? 'fr' : 'en', 0);

async function signInForm(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
  o: { email?: string; error?: string } = {},
) {
  const s = browserSpeech(req);
  const next = nextOf(one(formOf(req), 'next') || queried(req, 'next'));
  const body =
    (o.error ? `<p class="alert" role="alert">${escapeHtml(o.error)}</p>` : '') +
    `<section><form method="post" action="/manager/sign-in">${hidden('csrf', await deps.csrf.forSignIn(req, reply))}${hidden('next', next)}` +
    `<label for="email">${escapeHtml(s.t('sign_in.email'))}</label>` +
    `<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(o.email ?? '')}">` +
    `<label for="password">${escapeHtml(s.t('sign_in.password'))}</label>` +
    '<input id="password" name="password" type="password" autocomplete="current-password" required>' +
    `<div><button type="submit">${escapeHtml(s.t('sign_in.submit'))}</button></div></form></section>`;
  return sendHtml(reply, 200, barePage(s, s.t('sign_in.title'), body));
}

async function signInPost(deps: Deps, store: RateLimitStore, req: FastifyRequest, reply: FastifyReply) {
  const form = formOf(req);
  const s = browserSpeech(req);
  if (!(await deps.csrf.signInValid(req, one(form, 'csrf'))))
    return signInForm(deps, req, reply, { error: s.t('form.expired') });
  const email = one(form, 'email');
  const result = await signIn(deps.app.db, store, email, one(form, 'password'), {
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? '',
  });
  if (!result.ok) {
    const error = result.reason === 'invalid' ? s.t('sign_in.wrong') : refusalMessage(result);
    return signInForm(deps, req, reply, { email, error });
  }
  setSessionCookie(req, reply, result.sessionSecret);
  return reply.code(303).redirect(nextOf(one(form, 'next')), 303);
}

export function sessionRoutes(app: FastifyInstance, deps: Deps, store: RateLimitStore) {
  app.get('/manager/sign-in', PAGE, (req, reply) => signInForm(deps, req, reply));
  app.post('/manager/sign-in', FORM, (req, reply) => signInPost(deps, store, req, reply));

  app.post('/manager/sign-out', FORM, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    if (await formValid(deps, signed, formOf(req))) {
      await signed.api('DELETE', `/2/profile/sessions/${signed.sessionId}`);
      clearSessionCookie(req, reply);
    }
    return reply.code(303).redirect('/manager/sign-in', 303);
  });

  // The language is the profile's: switching it here changes it for the API too, as upstream's Manager does.
  app.post('/manager/language', FORM, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const form = formOf(req);
    if (await formValid(deps, signed, form)) {
      const wanted = one(form, 'lang');
      if (wanted === 'fr' || wanted === 'en')
        await signed.api('PATCH', '/2/profile', { language_id: wanted === 'fr' ? 1 : 2 });
    }
    return reply.code(303).redirect(nextOf(one(form, 'back')), 303);
  });
}
