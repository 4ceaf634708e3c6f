import { sql, type ExpressionBuilder, type Insertable } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../../db/database.js';
import { shapedPage, sortFields, type SortColumns } from '../../db/paged.js';
import type { Database, ProductsTable } from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';
import type { Expiration } from './products.schemas.js';

/** What a product list is narrowed to. Every text match is a case-insensitive "contains". */
export interface ProductCriteria {
  userId: number;
  now: number;
  accountId?: number;
  productId?: number;
  customerName?: string;
  internalName?: string;
  /** Customer or internal name. */
  name?: string;
  fqdn?: string;
  /** Only these services; an empty list matches nothing. */
  serviceIds?: number[];
  excludedServiceIds?: number[];
  expirations?: Expiration[];
  tagIds?: number[];
}

const DAY = 86_400;
const PRODUCT_COLUMNS = [
  'p.id',
  'p.account_id',
  'p.service_id',
  'p.service_name',
  'p.customer_name',
  'p.internal_name',
  'p.fqdn',
  'p.description',
  'p.parent_id',
  'p.version',
  'p.bill_reference',
  'p.is_free',
  'p.is_trial',
  'p.is_locked',
  'p.has_maintenance',
  'p.renewal_periods',
  'p.price_per_month',
  'p.currency',
  'p.created_at',
  'p.expired_at',
  'p.deleted_at',
] as const;

const PRODUCT_SORT = {
  id: sql.ref('p.id'),
  account_id: sql.ref('p.account_id'),
  service_id: sql.ref('p.service_id'),
  service_name: sql.ref('p.service_name'),
  customer_name: sql.ref('p.customer_name'),
  internal_name: sql.ref('p.internal_name'),
  fqdn: sql.ref('p.fqdn'),
  created_at: sql.ref('p.created_at'),
  expired_at: sql.ref('p.expired_at'),
} satisfies SortColumns<string>;
export const PRODUCT_SORTABLE = sortFields(PRODUCT_SORT);
export type ProductSortField = keyof typeof PRODUCT_SORT;

type Eb = ExpressionBuilder<Database & { p: Database['products'] }, 'p'>;
const contains = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function expiring(eb: Eb, kinds: Expiration[], now: number) {
  const within = (days: number) => eb.and([eb('p.expired_at', '>=', now), eb('p.expired_at', '<', now + days * DAY)]);
  const conditions = kinds.map((k) => {
    switch (k) {
      case 'expired':
        return eb('p.expired_at', '<', now);
      case 'less_than_30_days':
        return within(30);
      case 'less_than_60_days':
        return within(60);
      case 'less_than_90_days':
        return within(90);
      case 'more_than_90_days':
        return eb('p.expired_at', '>=', now + 90 * DAY);
    }
  });
  return eb.or(conditions);
}

/** The products the caller may see (owner/admin: all of the organisation; normal: those with a right), filtered. */
function visible(db: Executor, c: ProductCriteria) {
  let q = db
    .selectFrom('products as p')
    .innerJoin('account_members as m', (j) =>
      j.onRef('m.account_id', '=', 'p.account_id').on('m.user_id', '=', c.userId),
    )
    .leftJoin('product_rights as cr', (j) => j.onRef('cr.product_id', '=', 'p.id').on('cr.user_id', '=', c.userId))
    .where('p.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('m.role_type', 'in', ['owner', 'admin']),
        eb('cr.technical', '=', true),
        eb('cr.statistic', '=', true),
        eb('cr.check', '=', true),
        eb('cr.sale', '=', true),
      ]),
    );
  if (c.accountId !== undefined) q = q.where('p.account_id', '=', c.accountId);
  if (c.productId !== undefined) q = q.where('p.id', '=', c.productId);
  if (c.customerName) q = q.where('p.customer_name', 'ilike', contains(c.customerName));
  if (c.internalName) q = q.where('p.internal_name', 'ilike', contains(c.internalName));
  if (c.fqdn) q = q.where('p.fqdn', 'ilike', contains(c.fqdn));
  if (c.name) {
    const pattern = contains(c.name);
    q = q.where((eb) => eb.or([eb('p.customer_name', 'ilike', pattern), eb('p.internal_name', 'ilike', pattern)]));
  }
  if (c.serviceIds)
    q = c.serviceIds.length ? q.where('p.service_id', 'in', c.serviceIds) : q.where((eb) => eb.val(false));
  if (c.excludedServiceIds?.length) q = q.where('p.service_id', 'not in', c.excludedServiceIds);
  const kinds = c.expirations;
  if (kinds?.length) q = q.where((eb) => expiring(eb, kinds, c.now));
  if (c.tagIds?.length) {
    const tagIds = c.tagIds;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('product_tags as pt')
          .select('pt.tag_id')
          .whereRef('pt.product_id', '=', 'p.id')
          .where('pt.tag_id', 'in', tagIds),
      ),
    );
  }
  return q;
}

/** Where the product statement's subqueries stand: the product `p`. */
type ProductScope = ExpressionBuilder<Database & { p: ProductsTable }, 'p'>;

/** The product's administrator, else the organisation's first legal responsible. */
const adminIdOf = (eb: ProductScope) =>
  eb.fn.coalesce(
    'p.admin_user_id',
    eb
      .selectFrom('account_members as o')
      .select('o.user_id')
      .whereRef('o.account_id', '=', 'p.account_id')
      .where('o.role_type', '=', 'owner')
      .orderBy('o.created_at')
      .orderBy('o.user_id')
      .limit(1),
  );

/**
 * What a page of products shows beside each, selected with it (lists as JSON arrays): its tags
 * with the number of products each carries, the rights members hold on it (rows with at least
 * one right), its administrator. One statement for the page instead of four.
 */
const productParts = (eb: ProductScope) => [
  jsonArrayFrom(
    eb
      .selectFrom('product_tags as pt')
      .innerJoin('tags as t', 't.id', 'pt.tag_id')
      .select(['t.id', 't.name', 't.color'])
      .select((tb) =>
        tb
          .selectFrom('product_tags as c')
          .innerJoin('products as cp', 'cp.id', 'c.product_id')
          .whereRef('c.tag_id', '=', 't.id')
          .where('cp.deleted_at', 'is', null)
          .select(tb.fn.countAll<number>().as('n'))
          .as('product_count'),
      )
      .whereRef('pt.product_id', '=', 'p.id')
      .orderBy('t.name')
      .orderBy('t.id'),
  ).as('tags'),
  jsonArrayFrom(
    eb
      .selectFrom('product_rights as r')
      .innerJoin('account_members as am', (j) => j.onRef('am.user_id', '=', 'r.user_id'))
      .select(['r.user_id', 'r.technical', 'r.statistic', 'r.check', 'r.sale'])
      .whereRef('r.product_id', '=', 'p.id')
      .whereRef('am.account_id', '=', 'p.account_id')
      .where((rb) =>
        rb.or([
          rb('r.technical', '=', true),
          rb('r.statistic', '=', true),
          rb('r.check', '=', true),
          rb('r.sale', '=', true),
        ]),
      )
      .orderBy('r.user_id'),
  ).as('user_rights'),
  jsonObjectFrom(
    eb
      .selectFrom('users as au')
      .select(['au.id', 'au.email', 'au.first_name', 'au.last_name'])
      .where('au.id', '=', adminIdOf(eb)),
  ).as('admin'),
];

/** A page of products with their count, the caller's role and own rights, the parent's service and the admin's id. */
function productStatements(db: Executor, c: ProductCriteria) {
  return {
    count: visible(db, c).select((eb) => eb.fn.countAll<number>().as('total')),
    rows: visible(db, c)
      .innerJoin('accounts as a', 'a.id', 'p.account_id')
      .leftJoin('products as parent', 'parent.id', 'p.parent_id')
      .select(PRODUCT_COLUMNS)
      .select([
        'm.role_type as caller_role',
        'cr.technical as r_technical',
        'cr.statistic as r_statistic',
        'cr.check as r_check',
        'cr.sale as r_sale',
        'parent.service_id as parent_service_id',
        'parent.service_name as parent_service_name',
        'a.name as account_name',
      ])
      .select((eb) => [adminIdOf(eb).as('admin_id'), ...productParts(eb)]),
  };
}

/** The criteria's ids: values of the statement, bound on each call (shaped.ts). */
type ProductIds = Pick<ProductCriteria, 'userId' | 'accountId' | 'productId'>;

/**
 * The statement's shape: the criteria without their ids, which only say whether they are given.
 * The clock is kept in it only when expirations filter, since their bounds are computed from it.
 */
const productShape = ({ userId: _user, accountId, productId, now, ...rest }: ProductCriteria) => ({
  ...rest,
  now: rest.expirations?.length ? now : 0,
  byAccount: accountId !== undefined,
  byProduct: productId !== undefined,
});

const productPage = shapedPage(
  (db, ids: ProductIds, { byAccount, byProduct, ...shape }: ReturnType<typeof productShape>) =>
    productStatements(db, {
      ...shape,
      userId: ids.userId,
      accountId: byAccount ? ids.accountId : undefined,
      productId: byProduct ? ids.productId : undefined,
    }),
  PRODUCT_SORT,
  sql.ref('p.id'),
);

/** The products themselves: a page of a list, and inserting some. */
function productRows(db: Executor) {
  return {
    /** One page, with the caller's role and own rights, the parent's service and the admin's id; and the count. */
    list: (c: ProductCriteria, p: ListParams<ProductSortField>) =>
      productPage(db, { userId: c.userId, accountId: c.accountId, productId: c.productId }, productShape(c), p),

    currencyOf: async (accountId: number) =>
      (await db.selectFrom('accounts').select('currency').where('id', '=', accountId).executeTakeFirstOrThrow())
        .currency,

    /** Inserts the products; their ids in insertion order (serial ids follow the VALUES order). */
    async insert(rows: Insertable<ProductsTable>[]) {
      const inserted = await db.insertInto('products').values(rows).returning('id').execute();
      // Sorting does not rely on RETURNING's order.
      return inserted.map((r) => r.id).sort((a, b) => a - b);
    },
  };
}

export const productsRepository = (db: Executor) => productRows(db);

export type ProductsRepository = ReturnType<typeof productsRepository>;
export type ProductRow = Awaited<ReturnType<ProductsRepository['list']>>['items'][number];
export type TagRow = ProductRow['tags'][number];
export type UserRightsRow = ProductRow['user_rights'][number];
