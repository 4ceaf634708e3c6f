import { sql, type InferResult } from 'kysely';
import type { Executor } from '../../db/database.js';
import { rowsOf } from '../../db/lean-statements.js';
import { USER_COLUMNS } from '../../shared/principal.js';

const PUBLIC_COLUMNS = ['id', 'name', 'scopes', 'created_at', 'expired_at', 'last_used_at'] as const;

function lookupQuery(db: Executor, tokenHash: string) {
  return (
    db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(USER_COLUMNS.map((c) => `u.${c}` as const))
      .select([
        't.id as token_id',
        't.scopes',
        't.expired_at as token_expired_at',
        't.revoked_at',
        't.last_used_at as token_last_used_at',
      ])
      // What the database's data is at this moment (src/plugins/answer-cache.ts keeps answers by it).
      .select(sql<string>`pg_current_snapshot()::text`.as('data_snapshot'))
      .where('t.token_hash', '=', tokenHash)
  );
}
type LookupRow = InferResult<ReturnType<typeof lookupQuery>>[number];

/**
 * The same, with the caller's membership of one organisation (null columns when they are not a
 * member): a read of an organisation's data then learns who may read it in the same round trip.
 */
function lookupWithMembershipQuery(db: Executor, tokenHash: string, accountId: number) {
  return lookupQuery(db, tokenHash)
    .leftJoin('account_members as m', (j) => j.onRef('m.user_id', '=', 't.user_id').on('m.account_id', '=', accountId))
    .select(['m.role_type as member_role', 'm.has_billing_access as member_billing']);
}
type LookupWithMembershipRow = InferResult<ReturnType<typeof lookupWithMembershipQuery>>[number];
/** A token's row, with the membership columns when they were asked. */
export type TokenRow = LookupRow & Partial<Pick<LookupWithMembershipRow, 'member_role' | 'member_billing'>>;

/** Writes each token's last use, [id, at] pairs, in one statement. */
async function writeLastUses(db: Executor, uses: readonly (readonly [number, number])[]): Promise<void> {
  const ids = uses.map(([id]) => id);
  const ats = uses.map(([, at]) => at);
  await sql`UPDATE api_tokens SET last_used_at = v.at
    FROM unnest(${ids}::integer[], ${ats}::bigint[]) AS v(id, at) WHERE api_tokens.id = v.id`.execute(db);
}

export function tokensRepository(db: Executor) {
  const lookup = lookupQuery(db, '').compile();
  const lookupWithMembership = lookupWithMembershipQuery(db, '', 0).compile();
  return {
    /**
     * The token and its owner in one query: this runs on every authenticated request, so the
     * statement is built and compiled once and only the hash changes between calls.
     */
    async findWithUser(tokenHash: string): Promise<TokenRow | undefined> {
      // Straight to the pool: it is every authenticated request's first statement (db/lean-statements.ts).
      const [row] = await rowsOf<LookupRow>(db, lookup.sql, [tokenHash]);
      return row;
    },

    /** The same with the caller's membership of `accountId`, in the one statement. */
    async findWithUserAndMembership(tokenHash: string, accountId: number): Promise<TokenRow | undefined> {
      // As above; the statement is lookupWithMembershipQuery's, its parameters in that order.
      const [row] = await rowsOf<LookupWithMembershipRow>(db, lookupWithMembership.sql, [accountId, tokenHash]);
      return row;
    },

    touch: (uses: readonly (readonly [number, number])[]) => writeLastUses(db, uses),

    listActive(userId: number, now: number) {
      return (
        db
          .selectFrom('api_tokens')
          .select(PUBLIC_COLUMNS)
          .where('user_id', '=', userId)
          // OAuth access tokens belong to their application (revoked at /token/revoke or with the client).
          .where('kind', '=', 'api')
          .where('revoked_at', 'is', null)
          .where((eb) => eb.or([eb('expired_at', 'is', null), eb('expired_at', '>', now)]))
          .orderBy('id')
          .execute()
      );
    },

    insert(row: { user_id: number; name: string; token_hash: string; scopes: string[]; expired_at: number | null }) {
      return db.insertInto('api_tokens').values(row).returning(PUBLIC_COLUMNS).executeTakeFirstOrThrow();
    },

    /** Revokes one of the user's live tokens; undefined when there is none to revoke. */
    revoke(userId: number, tokenId: number, at: number) {
      return db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', tokenId)
        .where('user_id', '=', userId)
        .where('kind', '=', 'api')
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
    },
  };
}
