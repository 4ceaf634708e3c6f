import type { Insertable, Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { ApiTokensTable, Database, OAuthCodesTable, OAuthRefreshTokensTable } from '../../db/types.js';

// The rows the authorization server issues: authorization codes, access tokens (api_tokens of
// kind 'oauth') and refresh tokens, each grouped in a family (one authorization and every token
// rotated from it), and what the token endpoint's companions read of them.

/** The user fields an ID token and /oauth2/userinfo make claims of. */
const CLAIMS_COLUMNS = ['id', 'email', 'first_name', 'last_name', 'avatar', 'locale'] as const;

export const oauthTokensRepository = {
  insertCode: (db: Executor, row: Insertable<OAuthCodesTable>) => db.insertInto('oauth_codes').values(row).execute(),

  /** The code, locked until the transaction ends: two redemptions of it queue, and the second sees it spent. */
  codeForRedemption: (trx: Transaction<Database>, codeHash: string) =>
    trx.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).forUpdate().executeTakeFirst(),

  markCodeUsed: (db: Executor, id: number, at: number) =>
    db.updateTable('oauth_codes').set({ used_at: at }).where('id', '=', id).execute(),

  /** The families of the tokens a code issued. */
  familiesOfCode: (db: Executor, codeId: number) =>
    db.selectFrom('api_tokens').select('family_id').distinct().where('code_id', '=', codeId).execute(),

  insertAccessToken: (db: Executor, row: Insertable<ApiTokensTable>) =>
    db.insertInto('api_tokens').values(row).execute(),

  insertRefreshToken: (db: Executor, row: Insertable<OAuthRefreshTokensTable>) =>
    db.insertInto('oauth_refresh_tokens').values(row).execute(),

  /** The refresh token, locked until the transaction ends: two rotations of it queue, and the second sees it used. */
  refreshForRotation: (trx: Transaction<Database>, tokenHash: string) =>
    trx
      .selectFrom('oauth_refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .forUpdate()
      .executeTakeFirst(),

  markRefreshUsed: (db: Executor, id: number, at: number) =>
    db.updateTable('oauth_refresh_tokens').set({ used_at: at }).where('id', '=', id).execute(),

  /** Revokes a family: its refresh tokens and every access token they issued. */
  async revokeFamily(db: Executor, familyId: string, at: number) {
    await db
      .updateTable('oauth_refresh_tokens')
      .set({ revoked_at: at })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
    await db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  },

  refreshFamilyByHash: (db: Executor, tokenHash: string) =>
    db
      .selectFrom('oauth_refresh_tokens')
      .select(['family_id', 'client_id'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst(),

  /** Revokes the client's access token of this hash, if it is live. */
  revokeClientAccessToken: (db: Executor, tokenHash: string, clientId: number, at: number) =>
    db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('token_hash', '=', tokenHash)
      .where('client_id', '=', clientId)
      .where('revoked_at', 'is', null)
      .execute(),

  revokeAccessTokenById: (db: Executor, tokenId: number, at: number) =>
    db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', tokenId).execute(),

  /** An access token as introspection tells it, with its owner's e-mail. */
  accessForIntrospection: (db: Executor, tokenHash: string) =>
    db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.scopes', 't.created_at', 't.expired_at', 't.revoked_at', 't.client_id', 't.user_id', 'u.email'])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst(),

  /** A refresh token as introspection tells it, with its owner's e-mail. */
  refreshForIntrospection: (db: Executor, tokenHash: string) =>
    db
      .selectFrom('oauth_refresh_tokens as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select(['r.scopes', 'r.created_at', 'r.used_at', 'r.revoked_at', 'r.client_id', 'r.user_id', 'u.email'])
      .where('r.token_hash', '=', tokenHash)
      .executeTakeFirst(),

  /** The token the caller holds, with its client's public id (null for a token that is not OAuth's). */
  withClientId: (db: Executor, tokenId: number) =>
    db
      .selectFrom('api_tokens as t')
      .leftJoin('oauth_clients as c', 'c.id', 't.client_id')
      .select(['t.user_id', 't.scopes', 't.expired_at', 't.kind', 'c.client_id'])
      .where('t.id', '=', tokenId)
      .executeTakeFirstOrThrow(),

  claimsUser: (db: Executor, userId: number) =>
    db
      .selectFrom('users')
      .select([...CLAIMS_COLUMNS])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow(),

  /** The user's first phone number (the one the phone claim gives). */
  firstPhone: (db: Executor, userId: number) =>
    db
      .selectFrom('user_phones')
      .select('phone')
      .where('user_id', '=', userId)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst(),

  /** The user's application passwords not deleted (what the password grant accepts). */
  liveAppPasswords: (db: Executor, userId: number) =>
    db
      .selectFrom('app_passwords')
      .select(['id', 'password_hash'])
      .where('user_id', '=', userId)
      .where('deleted_at', 'is', null)
      .execute(),

  touchAppPassword: (db: Executor, id: number, at: number) =>
    db.updateTable('app_passwords').set({ last_used_at: at }).where('id', '=', id).execute(),
};
