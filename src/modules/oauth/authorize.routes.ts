import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { nulCharacterErrors } from '../../plugins/input-rules.js';
import { checkAuthorizeRequest, issueCode, PageError, type AuthorizeQuery, type Checked } from './authorize.service.js';
import { csrfTokens } from './csrf.js';
import { issuerOf } from './issuer.js';
import { sessionSecretOf, setSessionCookie } from './browser-session.js';
import { consentPage, errorPage, sendPage, signInPage } from './pages.js';
import { sessionUser, signedInEmail, signIn } from './sign-in.js';
import { refusalMessage } from './sign-in-throttle.js';
import { isRecord } from '../../shared/is-record.js';

// GET /authorize shows the sign-in page (no session) or the consent page; the pages post back
// to the same URL. The request is checked in full on every step: an unknown client or a
// redirect URI that is not registered exactly gets an error page, never a redirect (RFC 9700
// §4.1); other errors go back to the client with `error`, `state` and `iss` (RFC 9207).

/** What the pages of one server need: its database (app.db), the throttle's store, the CSRF tokens. */
interface Pages {
  app: FastifyInstance;
  store: RateLimitStore;
  csrf: ReturnType<typeof csrfTokens>;
}

type Form = Record<string, unknown>;

interface SignInError {
  message: string;
  status: number;
  email?: string;
}

// The form body parser gives a string per field, or an array of them for a field sent twice: the first counts.
// eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the pages post application/x-www-form-urlencoded, whose parser gives strings
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as string | undefined;

const expiredForm = (reply: FastifyReply) =>
  sendPage(reply, 403, 'Error', errorPage('The form expired or did not come from this page. Reload it and try again.'));

function redirectWith(
  reply: FastifyReply,
  req: FastifyRequest,
  uri: string,
  params: Record<string, string | undefined>,
) {
  const u = new URL(uri);
  for (const [k, v] of Object.entries({ ...params, iss: issuerOf(req) })) if (v !== undefined) u.searchParams.set(k, v);
  return reply.code(303).header('cache-control', 'no-store').redirect(u.toString(), 303);
}

/** The sign-in page, or the consent page once the browser has a live session (unless a sign-in just failed). */
async function show(
  { app, csrf }: Pages,
  req: FastifyRequest,
  reply: FastifyReply,
  c: Checked,
  signInError?: SignInError,
) {
  const action = req.url;
  const session = signInError ? undefined : await sessionUser(app.db, sessionSecretOf(req));
  if (!session) {
    const page = signInPage({
      action,
      csrf: await csrf.forSignIn(req, reply),
      clientName: c.client.name,
      email: signInError?.email,
      error: signInError?.message,
    });
    return sendPage(reply, signInError?.status ?? 200, 'Sign in', page);
  }
  const userEmail = await signedInEmail(app.db, session.userId);
  const page = consentPage({
    action,
    csrf: await csrf.forConsent(session.tokenHash),
    clientName: c.client.name,
    userEmail,
    scopes: c.scopes,
  });
  return sendPage(reply, 200, 'Allow access', page, new URL(c.redirectUri).origin);
}

/** Checks the request, then runs the step; a request that cannot go on gets its error page or its error redirect. */
async function handle(
  { app }: Pages,
  req: FastifyRequest,
  reply: FastifyReply,
  step: (c: Checked) => Promise<unknown>,
) {
  try {
    // The query string parser gives strings (the route declares no schema, it is a page).
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the querystring parser gives strings, and the route declares no schema that would say so
    const q = req.query as AuthorizeQuery;
    // Postgres cannot compare text holding a NUL character: such a request is refused before any lookup.
    const nul = [...nulCharacterErrors(q), ...nulCharacterErrors(req.body ?? {})][0];
    if (nul) throw new PageError(`The request's ${nul.instancePath.slice(1)} holds a NUL character.`);
    const c = await checkAuthorizeRequest(app.db, q);
    if ('redirect' in c) return redirectWith(reply, req, c.to, c.redirect);
    return await step(c);
  } catch (err) {
    if (err instanceof PageError) return sendPage(reply, 400, 'Error', errorPage(err.message));
    throw err;
  }
}

async function signInStep(pages: Pages, req: FastifyRequest, reply: FastifyReply, c: Checked, form: Form) {
  if (!(await pages.csrf.signInValid(req, first(form.csrf) ?? ''))) return expiredForm(reply);
  const email = first(form.email) ?? '';
  const result = await signIn(pages.app.db, pages.store, email, first(form.password) ?? '', {
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? '',
  });
  if (!result.ok) {
    const message = result.reason === 'invalid' ? 'Wrong e-mail address or password.' : refusalMessage(result);
    return show(pages, req, reply, c, { message, status: result.reason === 'invalid' ? 401 : 429, email });
  }
  setSessionCookie(req, reply, result.sessionSecret);
  return reply.code(303).redirect(req.url, 303);
}

async function consentStep(pages: Pages, req: FastifyRequest, reply: FastifyReply, c: Checked, form: Form) {
  const session = await sessionUser(pages.app.db, sessionSecretOf(req));
  if (!session) return show(pages, req, reply, c);
  if (!(await pages.csrf.consentValid(first(form.csrf) ?? '', session.tokenHash))) return expiredForm(reply);
  if (first(form.decision) !== 'allow') {
    return redirectWith(reply, req, c.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied access',
      state: c.state,
    });
  }
  const code = await issueCode(pages.app.db, c, {
    userId: session.userId,
    authTime: session.authTime,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
  });
  return redirectWith(reply, req, c.redirectUri, { code, state: c.state });
}

export const authorizeRoutes: FastifyPluginAsync<{ store: RateLimitStore }> = async (app, { store }) => {
  // The sign-in pages are the only ones that read or set a cookie: registered here, its two
  // hooks (parse every request's Cookie header, write Set-Cookie on every answer) stay off the API.
  await app.register(cookie);
  const pages: Pages = { app, store, csrf: csrfTokens(app.db) };
  const config = { auth: 'public' as const };
  const schema = { hide: true };

  app.get('/authorize', { config, schema }, (req, reply) =>
    handle(pages, req, reply, (c) => show(pages, req, reply, c)),
  );

  app.post(
    '/authorize',
    {
      config: {
        ...config,
        activity: {
          none: 'the sign-in and the consent record their own lines (login_success, oauth_application_authorized)',
        },
      },
      schema,
    },
    (req, reply) =>
      handle(pages, req, reply, async (c) => {
        // The form body parser gives an object (the pages post application/x-www-form-urlencoded).
        const form = isRecord(req.body) ? req.body : {};
        const step = first(form.step);
        if (step === 'sign_in') return signInStep(pages, req, reply, c, form);
        if (step === 'consent') return consentStep(pages, req, reply, c, form);
        return sendPage(reply, 400, 'Error', errorPage('The form is incomplete. Reload the page and try again.'));
      }),
  );
};
