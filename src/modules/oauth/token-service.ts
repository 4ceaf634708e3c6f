import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import type { Database, OAuthCodesTable } from '../../db/types.js';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { inTransaction } from '../../db/transaction.js';
import { hashToken, newApiToken, verifyPassword } from '../../shared/secrets.js';
import { SCOPES } from '../../shared/scopes.js';
import { nowSeconds } from '../../shared/time.js';
import type { TokenForm } from './client-auth.js';
import type { ClientRow } from './clients.repository.js';
import { OAuthError } from './oauth-error.js';
import { oauthTokenLocks, oauthTokensRepository } from './oauth-tokens.repository.js';
import { parseScopes } from './oauth-scopes.js';
import { ACCESS_TOKEN_TTL, idToken } from './oidc.js';
import { admit, clearFailures, countFailure, refusalMessage, type Client, type Refusal } from './sign-in-throttle.js';

// The grants of POST /token. Access tokens are api_tokens rows (kind 'oauth', 7200 s), so the
// API authenticates them like any token. Refresh tokens rotate on every use; presenting a
// spent one is taken as theft and revokes its whole family with the access tokens it made
// (RFC 9700 §4.14.2). Authorization codes live 60 s and serve once, a failed redemption
// included; a second use revokes what the first one issued (RFC 6749 §4.1.2). The password
// grant counts its wrong passwords on the sign-in page's throttle.

export const CODE_TTL = 60;
const REFRESH_PREFIX = 'ikmr_';

const GRANT_TYPES = ['authorization_code', 'refresh_token', 'password', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  user_id: number;
  refresh_token?: string;
  id_token?: string;
}

interface Issue {
  client: ClientRow;
  userId: number;
  scopes: string[];
  offline: boolean;
  familyId: string;
  codeId?: number;
  oidc?: { nonce: string | null; authTime: number };
}

/** What every grant runs with: the database, the sign-in throttle's store, this server's issuer. */
interface Grants {
  db: Db;
  store: RateLimitStore;
  issuer: string;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

const isGrantType = (grant: string): grant is GrantType => GRANT_TYPES.some((g) => g === grant);

/** The form's grant_type, if this server supports it. */
export function grantTypeOf(form: TokenForm): GrantType {
  const grant = form.grant_type;
  if (!grant) throw new OAuthError('invalid_request', 'grant_type is required');
  if (!isGrantType(grant))
    throw new OAuthError('unsupported_grant_type', `grant_type must be one of ${GRANT_TYPES.join(', ')}`);
  return grant;
}

async function issue(trx: Transaction<Database>, issuer: string, o: Issue): Promise<TokenResponse> {
  const now = nowSeconds();
  const access = newApiToken();
  const tokens = oauthTokensRepository(trx);
  await tokens.insertAccessToken({
    user_id: o.userId,
    name: `OAuth: ${o.client.name}`,
    token_hash: access.hash,
    scopes: o.scopes,
    created_at: now,
    expired_at: now + ACCESS_TOKEN_TTL,
    kind: 'oauth',
    client_id: o.client.id,
    code_id: o.codeId ?? null,
    family_id: o.familyId,
  });
  const out: TokenResponse = {
    access_token: access.secret,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL,
    scope: o.scopes.join(' '),
    user_id: o.userId,
  };
  if (o.offline) {
    const refresh = REFRESH_PREFIX + randomBytes(32).toString('base64url');
    await tokens.insertRefreshToken({
      token_hash: hashToken(refresh),
      family_id: o.familyId,
      client_id: o.client.id,
      user_id: o.userId,
      scopes: o.scopes,
    });
    out.refresh_token = refresh;
  }
  if (o.oidc && o.scopes.includes('openid')) {
    const user = await tokens.claimsUser(o.userId);
    out.id_token = await idToken(trx, issuer, {
      user,
      clientId: o.client.client_id,
      scopes: o.scopes,
      nonce: o.oidc.nonce,
      authTime: o.oidc.authTime,
    });
  }
  return out;
}

/** Revokes a family: its refresh tokens and every access token they issued. */
export const revokeFamily = (db: Executor, familyId: string, at = nowSeconds()) =>
  oauthTokensRepository(db).revokeFamily(familyId, at);

const need = (form: TokenForm, field: string) => {
  const v = form[field];
  if (!v) throw new OAuthError('invalid_request', `${field} is required`);
  return v;
};

/** Scopes asked on a refresh or a password grant: a subset of what may be had. */
function narrowed(raw: string | undefined, allowed: readonly string[]): string[] {
  if (raw === undefined) return [...allowed];
  const asked = parseScopes(raw, allowed);
  if (!asked || asked.some((s) => !allowed.includes(s)))
    throw new OAuthError('invalid_scope', `Scopes may only be among: ${allowed.join(' ')}`);
  return asked;
}

/** Why a found, unused code may not be redeemed by this request, if it may not. */
function flawOf(
  row: Selectable<OAuthCodesTable>,
  client: ClientRow,
  redirectUri: string,
  verifier: string,
): string | undefined {
  if (row.client_id !== client.id) return 'Unknown authorization code';
  if (Number(row.expires_at) <= nowSeconds()) return 'The authorization code has expired';
  if (row.redirect_uri !== redirectUri) return 'redirect_uri differs from the authorization request';
  if (s256(verifier) !== row.code_challenge) return 'code_verifier does not match the code_challenge';
  return undefined;
}

/** The id of the user's live application password that `password` is, if it is one. */
async function matchingAppPassword(db: Db, userId: number, password: string): Promise<number | undefined> {
  const candidates = await oauthTokensRepository(db).liveAppPasswords(userId);
  for (const c of candidates) if (await verifyPassword(c.password_hash, password)) return c.id;
  return undefined;
}

/** A throttled password grant: 429 with Retry-After, as the sign-in page answers, in the RFC 6749 shape. */
const refused = (r: Refusal) =>
  new OAuthError('invalid_grant', refusalMessage(r), 429, Math.max(1, r.until - nowSeconds()));

async function authorizationCode({ db, issuer }: Grants, client: ClientRow, form: TokenForm) {
  const code = need(form, 'code');
  const verifier = need(form, 'code_verifier');
  const redirectUri = need(form, 'redirect_uri');
  const r = await inTransaction(db, async (trx): Promise<TokenResponse | { refused: string }> => {
    const codes = oauthTokensRepository(trx);
    const row = await oauthTokenLocks(trx).codeForRedemption(hashToken(code));
    if (!row) throw new OAuthError('invalid_grant', 'Unknown authorization code');
    if (row.used_at !== null) {
      // A replayed code: whatever it issued may be in the wrong hands.
      const families = await codes.familiesOfCode(row.id);
      for (const f of families) if (f.family_id) await revokeFamily(trx, f.family_id);
      return { refused: 'The authorization code was already used; any tokens it issued are revoked' };
    }
    // Spent by this attempt whatever its outcome: a code that failed once (a guessed verifier) never serves.
    await codes.markCodeUsed(row.id, nowSeconds());
    const flaw = flawOf(row, client, redirectUri, verifier);
    if (flaw) return { refused: flaw };
    return issue(trx, issuer, {
      client,
      userId: row.user_id,
      scopes: row.scopes,
      offline: row.offline,
      familyId: randomUUID(),
      codeId: row.id,
      oidc: { nonce: row.nonce, authTime: Number(row.auth_time) },
    });
  });
  // Committed first, then refused: spending the code and revoking a replay's tokens must not roll back with the error.
  if ('refused' in r) throw new OAuthError('invalid_grant', r.refused);
  return r;
}

async function refresh({ db, issuer }: Grants, client: ClientRow, form: TokenForm) {
  const token = need(form, 'refresh_token');
  const r = await inTransaction(db, async (trx) => {
    const row = await oauthTokenLocks(trx).refreshForRotation(hashToken(token));
    if (!row || row.client_id !== client.id || row.revoked_at !== null)
      throw new OAuthError('invalid_grant', 'The refresh token is not valid');
    if (row.used_at !== null) {
      await revokeFamily(trx, row.family_id);
      return { reused: true as const };
    }
    const scopes = narrowed(form.scope, row.scopes);
    await oauthTokensRepository(trx).markRefreshUsed(row.id, nowSeconds());
    return issue(trx, issuer, { client, userId: row.user_id, scopes, offline: true, familyId: row.family_id });
  });
  // Committed first, then refused: the family's revocation must not roll back with the error.
  if ('reused' in r)
    throw new OAuthError(
      'invalid_grant',
      'The refresh token was already used; every token of this authorization is revoked',
    );
  return r;
}

/** Upstream's password grant: the user's e-mail and one of their application passwords, throttled as the sign-in page is. */
async function password({ db, store, issuer }: Grants, client: ClientRow, form: TokenForm, from: Client) {
  const username = need(form, 'username');
  const secret = need(form, 'password');
  const admitted = await admit(db, store, username, from);
  if ('reason' in admitted) throw refused(admitted);
  const { user } = admitted;
  const matched = user ? await matchingAppPassword(db, user.id, secret) : undefined;
  if (!user || matched === undefined) {
    const lock = await countFailure(db, store, user, from);
    throw lock ? refused(lock) : new OAuthError('invalid_grant', 'Wrong e-mail or application password');
  }
  await clearFailures(db, user.id);
  const scopes = narrowed(form.scope, SCOPES);
  return inTransaction(db, async (trx) => {
    await oauthTokensRepository(trx).touchAppPassword(matched, nowSeconds());
    return issue(trx, issuer, {
      client,
      userId: user.id,
      scopes,
      offline: form.access_type === 'offline',
      familyId: randomUUID(),
    });
  });
}

/** A confidential client acting as itself: a token of its owner, API scopes only, no refresh. */
async function clientCredentials({ db, issuer }: Grants, client: ClientRow, form: TokenForm) {
  if (client.type !== 'confidential')
    throw new OAuthError('unauthorized_client', 'Only a confidential client may use client_credentials');
  const scopes = narrowed(form.scope, SCOPES);
  return inTransaction(db, (trx) =>
    issue(trx, issuer, { client, userId: client.user_id, scopes, offline: false, familyId: randomUUID() }),
  );
}

export function tokenService(db: Db, store: RateLimitStore, issuer: string) {
  const grants: Grants = { db, store, issuer };
  return {
    /** Runs the grant for an authenticated client; `from` is who asked (the password grant's throttle counts it). */
    grant(grant: GrantType, client: ClientRow, form: TokenForm, from: Client): Promise<TokenResponse> {
      switch (grant) {
        case 'authorization_code':
          return authorizationCode(grants, client, form);
        case 'refresh_token':
          return refresh(grants, client, form);
        case 'password':
          return password(grants, client, form, from);
        case 'client_credentials':
          return clientCredentials(grants, client, form);
      }
    },
  };
}
