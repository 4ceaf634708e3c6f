import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { unauthorized, type Authenticator } from '../../plugins/auth.js';
import { sameSecret } from '../../shared/secrets.js';
import { sessionPrincipal } from '../oauth/index.js';

// The Manager calls the API inside this process (app.inject) as the person signed in, so that
// every rule, permission check, validation message and activity line is the API's own: the
// console holds no second copy of any. Its bearer is the browser's session secret behind a key
// drawn at boot that never leaves the process, so no client outside can present a session as
// a token: for them the prefix is just another invalid token.

const PREFIX = 'ikmconsole_';

export interface ConsoleCredentials {
  /** The bearer of the console's calls for a session. */
  bearerFor(sessionSecret: string): string;
  /** The session secret inside a console bearer, or undefined when the key is not this process's. */
  sessionOf(bearer: string): string | undefined;
}

export function consoleCredentials(): ConsoleCredentials {
  const head = `${PREFIX}${randomBytes(24).toString('base64url')}.`;
  return {
    bearerFor: (sessionSecret) => head + sessionSecret,
    sessionOf: (bearer) =>
      bearer.length > head.length && sameSecret(bearer.slice(0, head.length), head)
        ? bearer.slice(head.length)
        : undefined,
  };
}

/** The API's authenticator, which also takes the console's bearers (for the session's user, every scope). */
export function withConsoleSessions(tokens: Authenticator, credentials: ConsoleCredentials, db: Db): Authenticator {
  const consoleCaller = async (bearer: string) => {
    const session = credentials.sessionOf(bearer);
    const principal = session === undefined ? undefined : await sessionPrincipal(db, session);
    return principal ?? unauthorized('Invalid access token', 'invalid_token');
  };
  // Not async itself: a token's request, the hot path, costs no promise more than the token's lookup.
  return (secret, accountId) => (secret.startsWith(PREFIX) ? consoleCaller(secret) : tokens(secret, accountId));
}
