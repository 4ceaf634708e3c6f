import type { Executor } from '../../db/database.js';

// The rows of `idempotency_keys`: one per (organisation, key), written in the transaction of
// the change it answers (idempotent.ts).

export function idempotencyRepository(db: Executor) {
  return {
    /**
     * Claims the key: answers true when this transaction inserted it. A concurrent transaction
     * that inserted the same key first makes this INSERT wait on the primary key until it ends:
     * committed, this one sees the conflict (false); rolled back, this one claims it.
     */
    async claim(accountId: number, key: string, requestHash: string) {
      const row = await db
        .insertInto('idempotency_keys')
        .values({ account_id: accountId, key, request_hash: requestHash, status: 'in_flight' })
        .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** The answer stored under the key, in the same transaction as the claim. */
    answer: (accountId: number, key: string, status: number, body: unknown) =>
      db
        .updateTable('idempotency_keys')
        .set({ status: 'done', response_status: status, response_body: JSON.stringify(body) })
        .where('account_id', '=', accountId)
        .where('key', '=', key)
        .execute(),

    /**
     * A client error that rolled its transaction back (nothing moved), stored on its own;
     * a request that took the key meanwhile keeps its answer.
     */
    storeRefusal: (accountId: number, key: string, requestHash: string, status: number, body: unknown) =>
      db
        .insertInto('idempotency_keys')
        .values({
          account_id: accountId,
          key,
          request_hash: requestHash,
          status: 'done',
          response_status: status,
          response_body: JSON.stringify(body),
        })
        .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
        .execute(),

    find: (accountId: number, key: string) =>
      db
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status', 'response_status', 'response_body'])
        .where('account_id', '=', accountId)
        .where('key', '=', key)
        .executeTakeFirst(),
  };
}
