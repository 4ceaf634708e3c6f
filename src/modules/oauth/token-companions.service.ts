import type { Db } from '../../db/database.js';
import { hashToken } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import type { ClientRow } from './clients.repository.js';
import { oauthTokensRepository } from './oauth-tokens.repository.js';
import { claimsOf } from './oidc.js';
import { revokeFamily } from './token-service.js';

// What the token endpoint's companions do with a token once its client (or its bearer) is
// known: revoke it (RFC 7009), tell what it is (RFC 7662), check or end the caller's own, and
// the userinfo claims (OIDC).

type Introspection =
  | { active: false }
  | {
      active: true;
      iss: string;
      client_id: string;
      token_type: 'Bearer' | 'refresh_token';
      scope: string;
      sub: string;
      username: string;
      iat: number;
      exp?: number;
    };

/** Revokes an access or refresh token of this client; a token it does not hold is left alone, and that is no error. */
export async function revokeToken(db: Db, client: ClientRow, token: string): Promise<void> {
  const hash = hashToken(token);
  const tokens = oauthTokensRepository(db);
  const refresh = await tokens.refreshFamilyByHash(hash);
  if (refresh?.client_id === client.id) await revokeFamily(db, refresh.family_id);
  else await tokens.revokeClientAccessToken(hash, client.id, nowSeconds());
}

/** What a token is, for the client it was issued to; to any other client it is inactive. */
export async function introspectToken(
  db: Db,
  client: ClientRow,
  token: string,
  issuer: string,
): Promise<Introspection> {
  const hash = hashToken(token);
  const now = nowSeconds();
  const base = { iss: issuer, client_id: client.client_id };
  const tokens = oauthTokensRepository(db);
  const access = await tokens.accessForIntrospection(hash);
  if (
    access &&
    access.client_id === client.id &&
    access.revoked_at === null &&
    (access.expired_at === null || Number(access.expired_at) > now)
  ) {
    return {
      active: true,
      ...base,
      token_type: 'Bearer',
      scope: access.scopes.join(' '),
      sub: String(access.user_id),
      username: access.email,
      iat: Number(access.created_at),
      ...(access.expired_at === null ? {} : { exp: Number(access.expired_at) }),
    };
  }
  const refresh = await tokens.refreshForIntrospection(hash);
  if (refresh && refresh.client_id === client.id && refresh.revoked_at === null && refresh.used_at === null) {
    return {
      active: true,
      ...base,
      token_type: 'refresh_token',
      scope: refresh.scopes.join(' '),
      sub: String(refresh.user_id),
      username: refresh.email,
      iat: Number(refresh.created_at),
    };
  }
  return { active: false };
}

/** Revokes the token the caller used (DELETE /token). */
export async function endToken(db: Db, tokenId: number): Promise<void> {
  await oauthTokensRepository(db).revokeAccessTokenById(tokenId, nowSeconds());
}

/** The token the caller used, as GET /token/check tells it. */
export async function checkToken(db: Db, tokenId: number) {
  const t = await oauthTokensRepository(db).withClientId(tokenId);
  return { user_id: t.user_id, scopes: t.scopes, expires_at: t.expired_at, kind: t.kind, client_id: t.client_id };
}

/** Whether a token's scopes may read the userinfo claims. */
export const mayReadUserInfo = (scopes: readonly string[]) => scopes.includes('openid') || scopes.includes('user_info');

/** The caller's claims its token's scopes allow. */
export async function userInfo(db: Db, userId: number, scopes: readonly string[]) {
  const users = oauthTokensRepository(db);
  const u = await users.claimsUser(userId);
  const phone = await users.firstPhone(u.id);
  return claimsOf({ ...u, phone: phone?.phone ?? null }, scopes);
}
