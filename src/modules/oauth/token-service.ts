import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import type { OAuthCodesTable } from '../../db/types.js';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { inTransaction } from '../../db/transaction.js';
import { hashToken, newApiToken, verifyPassword } from '../../shared/secrets.js';
import { SCOPES } from '../../shared/scopes.js';
import { nowSeconds } from '../../shared/time.js';
import type { ClientRow } from './clients.repository.js';
import { OAuthError } from './oauth-error.js';
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

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

async function issue(trx: Executor, issuer: string, o: Issue): Promise<TokenResponse> {
  const now = nowSeconds();
  const access = newApiToken();
  await trx.insertInto('api_tokens').values({
    user_id: o.userId, name: `OAuth: ${o.client.name}`, token_hash: access.hash, scopes: o.scopes, created_at: now, expired_at: now + ACCESS_TOKEN_TTL,
    kind: 'oauth', client_id: o.client.id, code_id: o.codeId ?? null, family_id: o.familyId,
  }).execute();
  const out: TokenResponse = { access_token: access.secret, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL, scope: o.scopes.join(' '), user_id: o.userId };
  if (o.offline) {
    const refresh = REFRESH_PREFIX + randomBytes(32).toString('base64url');
    await trx.insertInto('oauth_refresh_tokens').values({
      token_hash: hashToken(refresh), family_id: o.familyId, client_id: o.client.id, user_id: o.userId, scopes: o.scopes,
    }).execute();
    out.refresh_token = refresh;
  }
  if (o.oidc && o.scopes.includes('openid')) {
    const user = await trx.selectFrom('users').select(['id', 'email', 'first_name', 'last_name', 'avatar', 'locale']).where('id', '=', o.userId).executeTakeFirstOrThrow();
    out.id_token = await idToken(trx, issuer, { user, clientId: o.client.client_id, scopes: o.scopes, nonce: o.oidc.nonce, authTime: o.oidc.authTime });
  }
  return out;
}

/** Revokes a family: its refresh tokens and every access token they issued. */
export async function revokeFamily(trx: Executor, familyId: string, at = nowSeconds()) {
  await trx.updateTable('oauth_refresh_tokens').set({ revoked_at: at }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
  await trx.updateTable('api_tokens').set({ revoked_at: at }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
}

const need = (form: Record<string, string | undefined>, field: string) => {
  const v = form[field];
  if (!v) throw new OAuthError('invalid_request', `${field} is required`);
  return v;
};

/** Scopes asked on a refresh or a password grant: a subset of what may be had. */
function narrowed(raw: string | undefined, allowed: readonly string[]): string[] {
  if (raw === undefined) return [...allowed];
  const asked = parseScopes(raw, allowed);
  if (!asked || asked.some((s) => !allowed.includes(s))) throw new OAuthError('invalid_scope', `Scopes may only be among: ${allowed.join(' ')}`);
  return asked;
}

/** Why a found, unused code may not be redeemed by this request, if it may not. */
function flawOf(row: Selectable<OAuthCodesTable>, client: ClientRow, redirectUri: string, verifier: string): string | undefined {
  if (row.client_id !== client.id) return 'Unknown authorization code';
  if (Number(row.expires_at) <= nowSeconds()) return 'The authorization code has expired';
  if (row.redirect_uri !== redirectUri) return 'redirect_uri differs from the authorization request';
  if (s256(verifier) !== row.code_challenge) return 'code_verifier does not match the code_challenge';
  return undefined;
}

/** The id of the user's live application password that `password` is, if it is one. */
async function matchingAppPassword(db: Db, userId: number, password: string): Promise<number | undefined> {
  const candidates = await db.selectFrom('app_passwords').select(['id', 'password_hash']).where('user_id', '=', userId).where('deleted_at', 'is', null).execute();
  for (const c of candidates) if (await verifyPassword(c.password_hash, password)) return c.id;
  return undefined;
}

/** A throttled password grant: 429 with Retry-After, as the sign-in page answers, in the RFC 6749 shape. */
const refused = (r: Refusal) => new OAuthError('invalid_grant', refusalMessage(r), 429, Math.max(1, r.until - nowSeconds()));

export function tokenService(db: Db, store: RateLimitStore, issuer: string) {
  return {
    async authorizationCode(client: ClientRow, form: Record<string, string | undefined>) {
      const code = need(form, 'code');
      const verifier = need(form, 'code_verifier');
      const redirectUri = need(form, 'redirect_uri');
      return inTransaction(db, async (trx) => {
        const row = await trx.selectFrom('oauth_codes').selectAll().where('code_hash', '=', hashToken(code)).forUpdate().executeTakeFirst();
        if (!row) throw new OAuthError('invalid_grant', 'Unknown authorization code');
        if (row.used_at !== null) {
          // A replayed code: whatever it issued may be in the wrong hands.
          const families = await trx.selectFrom('api_tokens').select('family_id').distinct().where('code_id', '=', row.id).execute();
          for (const f of families) if (f.family_id) await revokeFamily(trx, f.family_id);
          return { refused: 'The authorization code was already used; any tokens it issued are revoked' };
        }
        // Spent by this attempt whatever its outcome: a code that failed once (a guessed verifier) never serves.
        await trx.updateTable('oauth_codes').set({ used_at: nowSeconds() }).where('id', '=', row.id).execute();
        const flaw = flawOf(row, client, redirectUri, verifier);
        if (flaw) return { refused: flaw };
        return issue(trx, issuer, {
          client, userId: row.user_id, scopes: row.scopes, offline: row.offline, familyId: randomUUID(), codeId: row.id,
          oidc: { nonce: row.nonce, authTime: Number(row.auth_time) },
        });
      }).then((r) => {
        // Committed first, then refused: spending the code and revoking a replay's tokens must not roll back with the error.
        if ('refused' in r) throw new OAuthError('invalid_grant', r.refused);
        return r;
      });
    },

    async refresh(client: ClientRow, form: Record<string, string | undefined>) {
      const token = need(form, 'refresh_token');
      const r = await inTransaction(db, async (trx) => {
        const row = await trx.selectFrom('oauth_refresh_tokens').selectAll().where('token_hash', '=', hashToken(token)).forUpdate().executeTakeFirst();
        if (!row || row.client_id !== client.id || row.revoked_at !== null) throw new OAuthError('invalid_grant', 'The refresh token is not valid');
        if (row.used_at !== null) {
          await revokeFamily(trx, row.family_id);
          return { reused: true as const };
        }
        const scopes = narrowed(form.scope, row.scopes);
        await trx.updateTable('oauth_refresh_tokens').set({ used_at: nowSeconds() }).where('id', '=', row.id).execute();
        return issue(trx, issuer, { client, userId: row.user_id, scopes, offline: true, familyId: row.family_id });
      });
      if ('reused' in r) throw new OAuthError('invalid_grant', 'The refresh token was already used; every token of this authorization is revoked');
      return r;
    },

    /** Upstream's password grant: the user's e-mail and one of their application passwords, throttled as the sign-in page is. */
    async password(client: ClientRow, form: Record<string, string | undefined>, from: Client) {
      const username = need(form, 'username');
      const password = need(form, 'password');
      const admitted = await admit(db, store, username, from);
      if ('reason' in admitted) throw refused(admitted);
      const { user } = admitted;
      const matched = user ? await matchingAppPassword(db, user.id, password) : undefined;
      if (!user || matched === undefined) {
        const lock = await countFailure(db, store, user, from);
        throw lock ? refused(lock) : new OAuthError('invalid_grant', 'Wrong e-mail or application password');
      }
      await clearFailures(db, user.id);
      const scopes = narrowed(form.scope, SCOPES);
      return inTransaction(db, async (trx) => {
        await trx.updateTable('app_passwords').set({ last_used_at: nowSeconds() }).where('id', '=', matched).execute();
        return issue(trx, issuer, { client, userId: user.id, scopes, offline: form.access_type === 'offline', familyId: randomUUID() });
      });
    },

    /** A confidential client acting as itself: a token of its owner, API scopes only, no refresh. */
    async clientCredentials(client: ClientRow, form: Record<string, string | undefined>) {
      if (client.type !== 'confidential') throw new OAuthError('unauthorized_client', 'Only a confidential client may use client_credentials');
      const scopes = narrowed(form.scope, SCOPES);
      return inTransaction(db, (trx) => issue(trx, issuer, { client, userId: client.user_id, scopes, offline: false, familyId: randomUUID() }));
    },
  };
}
