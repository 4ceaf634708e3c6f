import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import { SCOPES } from '../../shared/scopes.js';
import type { Principal } from '../../shared/principal.js';
import { cookieName, secureCookies } from './issuer.js';
import { signInRepository } from './sign-in.repository.js';
import { liveSession, SESSION_TTL } from './sign-in.js';

// The browser's sign-in session, shared by every page of this server that signs a person in:
// the authorization pages and the Manager console. One cookie, so that signing in on one
// signs in on the other, as upstream's login does for its Manager and its OAuth consent.

export const sessionCookie = (req: FastifyRequest) => cookieName(req, 'ikm_session');

/** The session's secret as the browser sent it (the cookie plugin must be registered where this is called). */
export const sessionSecretOf = (req: FastifyRequest): string | undefined => req.cookies[sessionCookie(req)];

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, secret: string): void {
  reply.setCookie(sessionCookie(req), secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookies(req),
    maxAge: SESSION_TTL,
  });
}

export const clearSessionCookie = (req: FastifyRequest, reply: FastifyReply): void =>
  void reply.clearCookie(sessionCookie(req), { path: '/' });

/**
 * The caller a live session stands for: its user with every scope, as the Manager acts with
 * all of its user's rights (which the services still check organisation by organisation). The
 * session has no token: `tokenId` 0 names none, and the session's hash keeps its place as the
 * caller's identity where one is needed. Read only: the console's page that makes the call
 * has noted the session's last access already (sessionUser), once for all the calls it makes.
 */
export async function sessionPrincipal(db: Db, secret: string): Promise<Principal | undefined> {
  const session = await liveSession(db, secret);
  if (!session) return undefined;
  const user = await signInRepository(db).callerColumns(session.userId);
  if (!user) return undefined;
  return { tokenId: 0, tokenHash: session.tokenHash, scopes: new Set(SCOPES), user, consoleSession: session.sessionId };
}
