import type { Db } from '../../db/database.js';
import { notFound } from '../../shared/errors.js';
import { listParams, type ListParams, type Sort } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import { parseWith } from '../../shared/with.js';
import { membershipOf } from '../accounts/index.js';
import { presentProduct } from './products.presenter.js';
import {
  PRODUCT_SORTABLE,
  productsRepository,
  type ProductCriteria,
  type ProductSortField,
} from './products.repository.js';
import {
  PRODUCT_RELATIONS,
  type AccountProductsQueryInput,
  type Product,
  type ProductFilter,
  type ProductRelation,
  type ProductsQueryInput,
} from './products.schemas.js';
import { serviceNamed } from './services.js';

const DEFAULT_SORT: Sort<ProductSortField>[] = [{ field: 'id', dir: 'asc' }];

/** Every service constraint narrows the list: the result is their intersection. */
function serviceIdsOf(f: ProductFilter): number[] | undefined {
  const sets: number[][] = [];
  if (f.service_id !== undefined) sets.push([f.service_id]);
  if (f.service_ids?.length) sets.push(f.service_ids);
  if (f.service_names?.length) sets.push(f.service_names.map((n) => serviceNamed(n).id));
  if (!sets.length) return undefined;
  return sets.reduce((acc, s) => acc.filter((id) => s.includes(id)));
}

/** `filter[x]` wins over a plain `x` when a client sends both. */
function mergedFilter(q: AccountProductsQueryInput): ProductFilter {
  const {
    with: _w,
    filter,
    page: _p,
    per_page: _pp,
    limit: _l,
    skip: _s,
    return: _r,
    order_by: _ob,
    order: _o,
    order_for: _of,
    ...plain
  } = q;
  return { ...plain, ...filter };
}

type ProductsRepository = ReturnType<typeof productsRepository>;

/** A page of products, each read with its tags, users and admin in the page's one statement. */
async function loadPage(
  repo: ProductsRepository,
  c: ProductCriteria,
  p: ListParams<ProductSortField>,
  wanted: ReadonlySet<ProductRelation>,
): Promise<{ items: Product[]; total: number }> {
  const { items: rows, total } = await repo.list(c, p);
  return { items: rows.map((r) => presentProduct(r, wanted)), total };
}

export function productsService(db: Db) {
  const repo = productsRepository(db);

  async function forAccount(userId: number, accountId: number, q: AccountProductsQueryInput) {
    const wanted = parseWith(q.with, PRODUCT_RELATIONS);
    const p = listParams(q, PRODUCT_SORTABLE, DEFAULT_SORT);
    await membershipOf(db, accountId, userId);
    const f = mergedFilter(q);
    const c: ProductCriteria = {
      userId,
      accountId,
      now: nowSeconds(),
      customerName: f.customer_name,
      internalName: f.internal_name,
      name: f.name,
      serviceIds: serviceIdsOf(f),
      excludedServiceIds: f.excluded_service_ids,
      expirations: f.expirations,
      tagIds: f.tags,
    };
    return { ...(await loadPage(repo, c, p, wanted)), params: p };
  }

  return {
    /** Every product the caller holds a right on, across their organisations. */
    async all(userId: number, q: ProductsQueryInput) {
      const wanted = parseWith(q.with, PRODUCT_RELATIONS);
      const p = listParams(q, PRODUCT_SORTABLE, DEFAULT_SORT);
      const c: ProductCriteria = {
        userId,
        now: nowSeconds(),
        accountId: q.account_id,
        productId: q.product_id,
        customerName: q.customer_name,
        internalName: q.internal_name,
        fqdn: q.fqdn,
        serviceIds: serviceIdsOf({
          service_id: q.service_id,
          service_names: q.service_name ? [q.service_name] : undefined,
        }),
      };
      return { ...(await loadPage(repo, c, p, wanted)), params: p };
    },

    forAccount,

    /** The organisation chosen in the caller's preferences; none chosen is a 404. */
    forCurrentAccount(user: { id: number; current_account_id: number | null }, q: AccountProductsQueryInput) {
      if (user.current_account_id === null) throw notFound('Account');
      return forAccount(user.id, user.current_account_id, q);
    },
  };
}
