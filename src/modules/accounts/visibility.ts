import { sql, type RawBuilder } from 'kysely';

/**
 * SQL condition: the product `p` is one the user `userId` may see in the organisation `m`
 * (the user's account_members row). Owners and admins see every product; a normal member
 * only those on which they hold at least one right (as the products module decides).
 */
export function productVisible(userId: number, product = 'p', member = 'm'): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${member}.role_type`)} IN ('owner', 'admin') OR EXISTS (
    SELECT 1 FROM product_rights r
    WHERE r.product_id = ${sql.ref(`${product}.id`)} AND r.user_id = ${userId}
      AND (r.technical OR r.statistic OR r."check" OR r.sale)))`;
}
