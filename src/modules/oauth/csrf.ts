import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Executor } from '../../db/database.js';
import { sameSecret } from '../../shared/secrets.js';
import { cookieName, secureCookies } from './issuer.js';
import { serverSecret } from './server-secrets.js';

// The CSRF tokens of the authorization pages: an HMAC, under a secret of the server, of what
// the browser holds: its sign-in session once signed in, before that a random pre-session in
// a cookie of its own. A token is checked by computing it again and comparing in constant time,
// so a value the client made up is refused even when its cookie and its form field agree.

const PRE_SESSION = 'ikm_csrf';
const PRE_SESSION_ID = /^[A-Za-z0-9_-]{32,64}$/;

type Purpose = 'sign-in' | 'consent' | 'console';

export function csrfTokens(db: Executor) {
  const sign = async (purpose: Purpose, binding: string) =>
    createHmac('sha256', await serverSecret(db, 'csrf_hmac'))
      .update(`${purpose}:${binding}`)
      .digest('base64url');
  const matches = async (given: string, purpose: Purpose, binding: string) =>
    sameSecret(given, await sign(purpose, binding));
  const preSessionOf = (req: FastifyRequest) => {
    const id = req.cookies[cookieName(req, PRE_SESSION)];
    return id && PRE_SESSION_ID.test(id) ? id : undefined;
  };

  return {
    /** The sign-in form's token, bound to the browser's pre-session (given one now if it has none). */
    async forSignIn(req: FastifyRequest, reply: FastifyReply): Promise<string> {
      let id = preSessionOf(req);
      if (!id) {
        id = randomBytes(24).toString('base64url');
        reply.setCookie(cookieName(req, PRE_SESSION), id, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: secureCookies(req),
        });
      }
      return sign('sign-in', id);
    },
    /** Whether a sign-in form came from a page this browser was given. */
    async signInValid(req: FastifyRequest, given: string): Promise<boolean> {
      const id = preSessionOf(req);
      return id !== undefined && matches(given, 'sign-in', id);
    },
    /** The consent form's token, bound to the sign-in session (by its hash). */
    forConsent: (sessionHash: string) => sign('consent', sessionHash),
    consentValid: (given: string, sessionHash: string) => matches(given, 'consent', sessionHash),
    /** The Manager console's forms' token, bound to the sign-in session (by its hash). */
    forConsole: (sessionHash: string) => sign('console', sessionHash),
    consoleValid: (given: string, sessionHash: string) => matches(given, 'console', sessionHash),
  };
}
