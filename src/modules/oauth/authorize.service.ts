import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { hashToken } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { activityLog } from '../activity/index.js';
import { clientsRepository, type ClientRow } from './clients.repository.js';
import { oauthTokensRepository } from './oauth-tokens.repository.js';
import { parseScopes } from './oauth-scopes.js';
import { CODE_TTL } from './token-service.js';

// The rules of GET and POST /authorize: which requests may go on (RFC 6749 §4.1.1 with PKCE
// required, RFC 9700), and the code an allowed consent issues.

export type AuthorizeQuery = Record<string, string | undefined>;

/** An authorization request that may go on. */
export interface Checked {
  client: ClientRow;
  redirectUri: string;
  state?: string;
  scopes: string[];
  challenge: string;
  nonce: string | null;
  offline: boolean;
}

/** An error the client is told at its redirect URI. */
export interface Refused {
  to: string;
  redirect: { error: string; error_description: string; state: string | undefined };
}

/** An error shown on a page, never redirected: the client or its redirect URI cannot be trusted. */
export class PageError extends Error {}

/** Validates the authorization request: answers it checked, or the error to redirect with instead. */
export async function checkAuthorizeRequest(db: Db, q: AuthorizeQuery): Promise<Checked | Refused> {
  const client = q.client_id ? await clientsRepository(db).byClientId(q.client_id) : undefined;
  if (!client) throw new PageError('The application (client_id) is unknown.');
  const redirectUri = q.redirect_uri;
  if (!redirectUri || !client.redirect_uris.includes(redirectUri)) {
    throw new PageError('The redirect_uri is not one the application registered: nothing is sent to it.');
  }
  const fail = (error: string, description: string): Refused => ({
    to: redirectUri,
    redirect: { error, error_description: description, state: q.state },
  });
  if (q.response_type !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
  if (!q.code_challenge)
    return fail('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
  if (q.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  if (!/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge))
    return fail('invalid_request', 'code_challenge is not a base64url SHA-256');
  const scopes = parseScopes(q.scope);
  if (!scopes) return fail('invalid_scope', 'An unknown scope was asked for');
  return {
    client,
    redirectUri,
    state: q.state,
    scopes,
    challenge: q.code_challenge,
    nonce: q.nonce ?? null,
    offline: q.access_type === 'offline',
  };
}

/** Who allowed the request, from where. */
export interface Consent {
  userId: number;
  authTime: number;
  ip: string;
  userAgent: string | null;
}

/** The user allowed the request: a code for it, with the activity line of the authorization; answers the code. */
export async function issueCode(db: Db, c: Checked, consent: Consent): Promise<string> {
  const code = randomBytes(32).toString('base64url');
  await inTransaction(db, async (trx) => {
    await oauthTokensRepository(trx).insertCode({
      code_hash: hashToken(code),
      client_id: c.client.id,
      user_id: consent.userId,
      redirect_uri: c.redirectUri,
      scopes: c.scopes,
      code_challenge: c.challenge,
      nonce: c.nonce,
      offline: c.offline,
      auth_time: consent.authTime,
      expires_at: nowSeconds() + CODE_TTL,
    });
    await activityLog(trx).record({
      user_id: consent.userId,
      action: 'oauth_application_authorized',
      target_type: 'oauth_client',
      target_id: c.client.id,
      ip: consent.ip,
      user_agent: consent.userAgent,
    });
  });
  return code;
}
