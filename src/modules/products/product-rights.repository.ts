import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { ProductRight } from '../../db/types.js';

// The rights members hold on an organisation's products (product_rights), as invitations,
// membership changes and removals grant and revoke them.

export type RightFlags = Record<ProductRight, boolean>;

export function productRightsRepository(db: Executor) {
  /** Every right of the user on the organisation's products. */
  const revokeAll = (accountId: number, userId: number) =>
    db
      .deleteFrom('product_rights')
      .where('user_id', '=', userId)
      .where('product_id', 'in', (eb) => eb.selectFrom('products').select('id').where('account_id', '=', accountId))
      .execute();

  return {
    /** The organisation's live products of a service: all of them, or the one given. */
    async productsOf(accountId: number, serviceId: number, productId?: number) {
      let q = db
        .selectFrom('products')
        .select('id')
        .where('account_id', '=', accountId)
        .where('service_id', '=', serviceId)
        .where('deleted_at', 'is', null);
      if (productId !== undefined) q = q.where('id', '=', productId);
      return (await q.execute()).map((r) => r.id);
    },

    revokeAll,

    /** Adds the rights set in `flags` to those the user already holds on each product. */
    grant(productIds: number[], userId: number, flags: RightFlags) {
      return db
        .insertInto('product_rights')
        .values(productIds.map((product_id) => ({ product_id, user_id: userId, ...flags })))
        .onConflict((oc) =>
          oc.columns(['product_id', 'user_id']).doUpdateSet({
            technical: sql`product_rights.technical OR excluded.technical`,
            statistic: sql`product_rights.statistic OR excluded.statistic`,
            check: sql`product_rights."check" OR excluded."check"`,
            sale: sql`product_rights.sale OR excluded.sale`,
          }),
        )
        .execute();
    },
  };
}
