import type { Executor } from '../../db/database.js';
import { APP_SERVICES } from './app-accesses.schemas.js';

/** The organisation's live products of the apps, with the rights one user holds on each (null: none). */
export function appAccessesRepository(db: Executor) {
  return {
    /** The user's role in the organisation; undefined when they are not a member. */
    async roleOf(accountId: number, userId: number) {
      const row = await db
        .selectFrom('account_members')
        .select('role_type')
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.role_type;
    },

    appProducts(accountId: number, userId: number) {
      return db
        .selectFrom('products as p')
        .leftJoin('product_rights as r', (j) => j.onRef('r.product_id', '=', 'p.id').on('r.user_id', '=', userId))
        .select(['p.id', 'p.service_name', 'p.customer_name', 'r.technical', 'r.user_id as right_holder'])
        .where('p.account_id', '=', accountId)
        .where('p.deleted_at', 'is', null)
        .where('p.service_name', 'in', [...APP_SERVICES])
        .orderBy('p.id')
        .execute();
    },
  };
}
