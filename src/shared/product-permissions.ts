import { sql } from 'kysely';
import { Type, type Static } from 'typebox';
import type { Executor } from '../db/database.js';
import type { ProductRight } from '../db/types.js';
import { serviceById } from '../modules/products/services.js';
import { fieldError, validationFailed, type FieldError } from './errors.js';
import { Id, Nullable, StringEnum } from './schemas.js';

// Product rights as upstream's invitations and members carry them: per service, either one
// product or every product of that service (`apply_to_all`), with the kinds of right.

export const PRODUCT_RIGHTS = ['technical', 'statistic', 'check', 'sale'] as const satisfies readonly ProductRight[];

export const PermissionSchema = Type.Object(
  {
    service_id: Id,
    product_id: Type.Optional(Nullable(Id)),
    apply_to_all: Type.Optional(Type.Boolean()),
    types: Type.Array(StringEnum(PRODUCT_RIGHTS), { uniqueItems: true }),
  },
  { additionalProperties: false, title: 'ProductPermission' },
);
export type Permission = Static<typeof PermissionSchema>;

/** The products each entry designates; every bad entry is reported with its index. */
async function resolve(db: Executor, accountId: number, permissions: Permission[], attribute: string) {
  const errors: FieldError[] = [];
  const grants: { productIds: number[]; types: ProductRight[] }[] = [];
  for (const [i, p] of permissions.entries()) {
    const service = serviceById(p.service_id);
    if (!service) {
      errors.push(fieldError(`${attribute}.${i}.service_id`, 'exists', 'Unknown service'));
      continue;
    }
    if (!p.apply_to_all && !p.product_id) {
      errors.push(fieldError(`${attribute}.${i}.product_id`, 'required_without', 'Give a product_id or apply_to_all'));
      continue;
    }
    let q = db.selectFrom('products').select('id').where('account_id', '=', accountId).where('service_id', '=', service.id).where('deleted_at', 'is', null);
    if (!p.apply_to_all) q = q.where('id', '=', p.product_id!);
    const rows = await q.execute();
    if (!p.apply_to_all && rows.length === 0) {
      errors.push(fieldError(`${attribute}.${i}.product_id`, 'exists', 'No such product of this service in the organisation'));
      continue;
    }
    grants.push({ productIds: rows.map((r) => r.id), types: p.types });
  }
  if (errors.length) throw validationFailed(errors);
  return grants;
}

/** Checks the entries against the organisation's products (422 naming each bad entry), granting nothing. */
export async function checkProductPermissions(db: Executor, accountId: number, permissions: Permission[], attribute = 'permissions'): Promise<void> {
  await resolve(db, accountId, permissions, attribute);
}

/**
 * Checks the entries, then gives `userId` those rights. With `replace`, the user's rights on
 * the organisation's other products are removed first. Call inside the caller's transaction.
 */
export async function applyProductPermissions(
  db: Executor, accountId: number, userId: number, permissions: Permission[], replace: boolean, attribute = 'permissions',
): Promise<void> {
  const grants = await resolve(db, accountId, permissions, attribute);
  if (replace) {
    await db.deleteFrom('product_rights').where('user_id', '=', userId)
      .where('product_id', 'in', (eb) => eb.selectFrom('products').select('id').where('account_id', '=', accountId)).execute();
  }
  for (const g of grants) {
    if (!g.productIds.length) continue;
    const flags = Object.fromEntries(PRODUCT_RIGHTS.map((r) => [r, g.types.includes(r)])) as Record<ProductRight, boolean>;
    await db
      .insertInto('product_rights')
      .values(g.productIds.map((product_id) => ({ product_id, user_id: userId, ...flags })))
      .onConflict((oc) => oc.columns(['product_id', 'user_id']).doUpdateSet({
        technical: sql`product_rights.technical OR excluded.technical`,
        statistic: sql`product_rights.statistic OR excluded.statistic`,
        check: sql`product_rights."check" OR excluded."check"`,
        sale: sql`product_rights.sale OR excluded.sale`,
      }))
      .execute();
  }
}

/** Removes every right the user holds on the organisation's products (leaving or removed). */
export function revokeProductRights(db: Executor, accountId: number, userId: number) {
  return db.deleteFrom('product_rights').where('user_id', '=', userId)
    .where('product_id', 'in', (eb) => eb.selectFrom('products').select('id').where('account_id', '=', accountId)).execute();
}
