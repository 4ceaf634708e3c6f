import type { Insertable, Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { ApiTokensTable, Database, OAuthCodesTable, OAuthRefreshTokensTable } from '../../db/types.js';

// The rows the authorization server issues: authorization codes, access tokens (api_tokens of
// kind 'oauth') and refresh tokens, each grouped in a family (one authorization and every token
// rotated from it), and what the token endpoint's companions read of them.

/** The user fields an ID token and /oauth2/userinfo make claims of. */
const CLAIMS_COLUMNS = ['id', 'email', 'first_name', 'last_name', 'avatar', 'locale'] as const;

function oauthCodes(db: Executor) {
  return {
    insertCode: (row: Insertable<OAuthCodesTable>) => db.insertInto('oauth_codes').values(row).execute(),

    markCodeUsed: (id: number, at: number) =>
      db.updateTable('oauth_codes').set({ used_at: at }).where('id', '=', id).execute(),

    /** The families of the tokens a code issued. */
    familiesOfCode: (codeId: number) =>
      db.selectFrom('api_tokens').select('family_id').distinct().where('code_id', '=', codeId).execute(),
  };
}

function oauthTokenWrites(db: Executor) {
  return {
    insertAccessToken: (row: Insertable<ApiTokensTable>) => db.insertInto('api_tokens').values(row).execute(),

    insertRefreshToken: (row: Insertable<OAuthRefreshTokensTable>) =>
      db.insertInto('oauth_refresh_tokens').values(row).execute(),

    markRefreshUsed: (id: number, at: number) =>
      db.updateTable('oauth_refresh_tokens').set({ used_at: at }).where('id', '=', id).execute(),

    /** Revokes a family: its refresh tokens and every access token they issued. */
    async revokeFamily(familyId: string, at: number) {
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

    /** Revokes the client's access token of this hash, if it is live. */
    revokeClientAccessToken: (tokenHash: string, clientId: number, at: number) =>
      db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('token_hash', '=', tokenHash)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .execute(),

    revokeAccessTokenById: (tokenId: number, at: number) =>
      db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', tokenId).execute(),
  };
}

function oauthTokenReads(db: Executor) {
  return {
    refreshFamilyByHash: (tokenHash: string) =>
      db
        .selectFrom('oauth_refresh_tokens')
        .select(['family_id', 'client_id'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst(),

    /** An access token as introspection tells it, with its owner's e-mail. */
    accessForIntrospection: (tokenHash: string) =>
      db
        .selectFrom('api_tokens as t')
        .innerJoin('users as u', 'u.id', 't.user_id')
        .select(['t.scopes', 't.created_at', 't.expired_at', 't.revoked_at', 't.client_id', 't.user_id', 'u.email'])
        .where('t.token_hash', '=', tokenHash)
        .executeTakeFirst(),

    /** A refresh token as introspection tells it, with its owner's e-mail. */
    refreshForIntrospection: (tokenHash: string) =>
      db
        .selectFrom('oauth_refresh_tokens as r')
        .innerJoin('users as u', 'u.id', 'r.user_id')
        .select(['r.scopes', 'r.created_at', 'r.used_at', 'r.revoked_at', 'r.client_id', 'r.user_id', 'u.email'])
        .where('r.token_hash', '=', tokenHash)
        .executeTakeFirst(),

    /** The token the caller holds, with its client's public id (null for a token that is not OAuth's). */
    withClientId: (tokenId: number) =>
      db
        .selectFrom('api_tokens as t')
        .leftJoin('oauth_clients as c', 'c.id', 't.client_id')
        .select(['t.user_id', 't.scopes', 't.expired_at', 't.kind', 'c.client_id'])
        .where('t.id', '=', tokenId)
        .executeTakeFirstOrThrow(),
  };
}

/** What the grants and the userinfo endpoint read of the user: claims and application passwords. */
function oauthUsers(db: Executor) {
  return {
    claimsUser: (userId: number) =>
      db
        .selectFrom('users')
        .select([...CLAIMS_COLUMNS])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow(),

    /** The user's first phone number (the one the phone claim gives). */
    firstPhone: (userId: number) =>
      db
        .selectFrom('user_phones')
        .select('phone')
        .where('user_id', '=', userId)
        .orderBy('id')
        .limit(1)
        .executeTakeFirst(),

    /** The user's application passwords not deleted (what the password grant accepts). */
    liveAppPasswords: (userId: number) =>
      db
        .selectFrom('app_passwords')
        .select(['id', 'password_hash'])
        .where('user_id', '=', userId)
        .where('deleted_at', 'is', null)
        .execute(),

    touchAppPassword: (id: number, at: number) =>
      db.updateTable('app_passwords').set({ last_used_at: at }).where('id', '=', id).execute(),
  };
}

export const oauthTokensRepository = (db: Executor) => ({
  ...oauthCodes(db),
  ...oauthTokenWrites(db),
  ...oauthTokenReads(db),
  ...oauthUsers(db),
});

/** Row locks of a code and of a refresh token, held until the transaction ends. */
export function oauthTokenLocks(trx: Transaction<Database>) {
  return {
    /** The code, locked until the transaction ends: two redemptions of it queue, and the second sees it spent. */
    codeForRedemption: (codeHash: string) =>
      trx.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).forUpdate().executeTakeFirst(),

    /** The refresh token, locked until the transaction ends: two rotations of it queue, and the second sees it used. */
    refreshForRotation: (tokenHash: string) =>
      trx
        .selectFrom('oauth_refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .forUpdate()
        .executeTakeFirst(),
  };
}
