import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken, sameSecret } from '../../shared/secrets.js';
import { consoleCookieName, consoleCookieSecure } from '../oauth/index.js';

// The test tools (outbox, clock, journal, faults, snapshots, sandboxes) are the control
// plane's, which answers only to MIRROR_ADMIN_TOKEN: the browser shows them once the token has
// been given on the tools page. The cookie keeps a digest of it, never the token itself.

const COOKIE = 'ikm_console_tools';

const digestOf = (token: string) => hashToken(`console-tools:${token}`);

export function toolsUnlocked(req: FastifyRequest, adminToken: string | undefined): boolean {
  const given = req.cookies[consoleCookieName(req, COOKIE)];
  return !!adminToken && !!given && sameSecret(given, digestOf(adminToken));
}

/** Unlocks the tools in this browser when `given` is the admin token; answers whether it was. */
export function unlockTools(req: FastifyRequest, reply: FastifyReply, adminToken: string | undefined, given: string) {
  if (!adminToken || !sameSecret(given, adminToken)) return false;
  reply.setCookie(consoleCookieName(req, COOKIE), digestOf(adminToken), {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: consoleCookieSecure(req),
  });
  return true;
}
