import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';

// The first start's SQL: whether anyone is there yet, and the administrator's organisation,
// membership and API token.

type Trx = Transaction<Database>;

// Any constant will do: it only has to be the same for every instance of ik-mirror.
const BOOTSTRAP_LOCK = 4_242_001;

export function bootstrapReads(db: Executor) {
  return {
    async anyUser(): Promise<boolean> {
      return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
    },
  };
}

export function bootstrapWrites(trx: Trx) {
  return {
    /** Until the transaction ends, the one instance doing the first start. */
    async lockBootstrap(): Promise<void> {
      await sql`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx);
    },
    async insertAdminAccount(now: number): Promise<number> {
      return (
        await trx
          .insertInto('accounts')
          .values({ name: 'ik-mirror', updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    },
    /** The administrator owns the organisation, billing included. */
    async insertOwner(accountId: number, userId: number): Promise<void> {
      await trx
        .insertInto('account_members')
        .values({ account_id: accountId, user_id: userId, role_type: 'owner', has_billing_access: true })
        .execute();
    },
    async insertApiToken(userId: number, tokenHash: string, scopes: string[]): Promise<void> {
      await trx
        .insertInto('api_tokens')
        .values({ user_id: userId, name: 'bootstrap', token_hash: tokenHash, scopes, expired_at: null })
        .execute();
    },
  };
}
