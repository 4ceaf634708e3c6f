import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { sortFields, type SortColumns } from '../../db/paged.js';
import type { Sort } from '../../shared/pagination.js';
import { productVisible } from './accounts.repository.js';

const TAG_SORT = {
  id: sql.ref('t.id'),
  name: sql`lower(t.name)`,
  products: sql.ref('product_count'),
} satisfies SortColumns<string>;
export const TAG_SORTS = sortFields(TAG_SORT);

/** Tags of the organisation with the number of products tagged that the caller may see. */
const counted = (db: Executor, userId: number, accountId: number) =>
  db
    .selectFrom('tags as t')
    .innerJoin('account_members as m', (j) => j.onRef('m.account_id', '=', 't.account_id').on('m.user_id', '=', userId))
    .select(['t.id', 't.name', 't.color'])
    .select(
      sql<number>`(SELECT count(*)::int FROM product_tags pt JOIN products p ON p.id = pt.product_id
        WHERE pt.tag_id = t.id AND p.deleted_at IS NULL AND ${productVisible(userId)})`.as('product_count'),
    )
    .where('t.account_id', '=', accountId);

/** Reading the tags, with their counts and their products. */
function tagReads(db: Executor) {
  return {
    list(userId: number, accountId: number, sort: Sort<keyof typeof TAG_SORT>[]) {
      let q = counted(db, userId, accountId);
      for (const s of sort) q = q.orderBy(TAG_SORT[s.field], s.dir);
      return q.orderBy('t.id').execute();
    },

    one: (userId: number, accountId: number, tagId: number) =>
      counted(db, userId, accountId).where('t.id', '=', tagId).executeTakeFirst(),

    /** The visible products carrying each of these tags. */
    products(userId: number, accountId: number, tagIds: number[]) {
      if (!tagIds.length) return Promise.resolve([]);
      return db
        .selectFrom('product_tags as pt')
        .innerJoin('products as p', 'p.id', 'pt.product_id')
        .innerJoin('account_members as m', (j) =>
          j.onRef('m.account_id', '=', 'p.account_id').on('m.user_id', '=', userId),
        )
        .select(['pt.tag_id', 'p.id as item_id', 'p.service_id', 'p.customer_name as name'])
        .where('pt.tag_id', 'in', tagIds)
        .where('p.account_id', '=', accountId)
        .where('p.deleted_at', 'is', null)
        .where(productVisible(userId))
        .orderBy('p.id')
        .execute();
    },
  };
}

/** Creating, changing and deleting tags. */
function tagWrites(db: Executor) {
  return {
    insert: (accountId: number, name: string, color: number) =>
      db
        .insertInto('tags')
        .values({ account_id: accountId, name, color })
        .returning(['id', 'name', 'color'])
        .executeTakeFirstOrThrow(),

    update: (accountId: number, tagId: number, changes: { name?: string; color?: number }) =>
      db
        .updateTable('tags')
        .set(changes)
        .where('id', '=', tagId)
        .where('account_id', '=', accountId)
        .returning('id')
        .executeTakeFirst(),

    exists: (accountId: number, tagId: number) =>
      db.selectFrom('tags').select('id').where('id', '=', tagId).where('account_id', '=', accountId).executeTakeFirst(),

    remove: (accountId: number, tagId: number) =>
      db
        .deleteFrom('tags')
        .where('id', '=', tagId)
        .where('account_id', '=', accountId)
        .returning('id')
        .executeTakeFirst(),
  };
}

export const tagsRepository = (db: Executor) => ({ ...tagReads(db), ...tagWrites(db) });
