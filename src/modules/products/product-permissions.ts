import type { Executor } from '../../db/database.js';
import type { ProductRight } from '../../db/types.js';
import { fieldError, validationFailed, type FieldError } from '../../shared/errors.js';
import { productRightsRepository, type RightFlags } from './product-rights.repository.js';
import type { Permission } from './products.schemas.js';
import { serviceById } from './services.js';

// Product rights as upstream's invitations and members carry them: per service, either one
// product or every product of that service (`apply_to_all`), with the kinds of right.

type Repo = ReturnType<typeof productRightsRepository>;
interface Grant {
  productIds: number[];
  types: ProductRight[];
}

/** The products one entry designates, or the error that says what is wrong with it. */
async function resolveEntry(repo: Repo, accountId: number, p: Permission, at: string): Promise<number[] | FieldError> {
  const service = serviceById(p.service_id);
  if (!service) return fieldError(`${at}.service_id`, 'exists', 'Unknown service');
  if (p.apply_to_all) return repo.productsOf(accountId, service.id);
  if (!p.product_id) return fieldError(`${at}.product_id`, 'required_without', 'Give a product_id or apply_to_all');
  const ids = await repo.productsOf(accountId, service.id, p.product_id);
  return ids.length
    ? ids
    : fieldError(`${at}.product_id`, 'exists', 'No such product of this service in the organisation');
}

/** The products each entry designates; every bad entry is reported with its index. */
async function resolve(
  db: Executor,
  accountId: number,
  permissions: Permission[],
  attribute: string,
): Promise<Grant[]> {
  const repo = productRightsRepository(db);
  const errors: FieldError[] = [];
  const grants: Grant[] = [];
  for (const [i, p] of permissions.entries()) {
    const resolved = await resolveEntry(repo, accountId, p, `${attribute}.${i}`);
    if (Array.isArray(resolved)) grants.push({ productIds: resolved, types: p.types });
    else errors.push(resolved);
  }
  if (errors.length) throw validationFailed(errors);
  return grants;
}

/** Checks the entries against the organisation's products (422 naming each bad entry), granting nothing. */
export async function checkProductPermissions(
  db: Executor,
  accountId: number,
  permissions: Permission[],
  attribute = 'permissions',
): Promise<void> {
  await resolve(db, accountId, permissions, attribute);
}

const flagsOf = (types: ProductRight[]): RightFlags => ({
  technical: types.includes('technical'),
  statistic: types.includes('statistic'),
  check: types.includes('check'),
  sale: types.includes('sale'),
});

/**
 * Checks the entries, then gives `userId` those rights. With `replace`, the user's rights on
 * the organisation's other products are removed first. Call inside the caller's transaction.
 */
export async function applyProductPermissions(
  db: Executor,
  accountId: number,
  userId: number,
  permissions: Permission[],
  replace: boolean,
  attribute = 'permissions',
): Promise<void> {
  const grants = await resolve(db, accountId, permissions, attribute);
  const repo = productRightsRepository(db);
  if (replace) await repo.revokeAll(accountId, userId);
  for (const g of grants) if (g.productIds.length) await repo.grant(g.productIds, userId, flagsOf(g.types));
}

/** Removes every right the user holds on the organisation's products (leaving or removed). */
export function revokeProductRights(db: Executor, accountId: number, userId: number) {
  return productRightsRepository(db).revokeAll(accountId, userId);
}
