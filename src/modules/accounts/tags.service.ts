import type { Db } from '../../db/database.js';
import { AppError, notFound } from '../../shared/errors.js';
import { listParams, type ListQueryInput } from '../../shared/pagination.js';
import { isUniqueViolation } from '../../shared/unique-violation.js';
import { parseWith } from '../../shared/with.js';
import { membershipOf, requireMember } from './access.js';
import { presentTag } from './accounts.presenter.js';
import { TAG_SORTS, tagsRepository } from './tags.repository.js';

export const TAG_RELATIONS = ['products'] as const;

export interface TagInput {
  name?: string;
  color?: number;
}

const duplicate = () =>
  new AppError('object_already_exists', 'The organisation already has a tag with this name', { attribute: 'name' });

/** Runs a write whose unique index on (account, lower(name)) may refuse it. */
async function unlessDuplicate<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, 'tags_account_name')) throw duplicate();
    throw err;
  }
}

/** The tags, each with the visible products it carries. */
async function withProducts<T extends { id: number }>(
  repo: ReturnType<typeof tagsRepository>,
  userId: number,
  accountId: number,
  tags: T[],
) {
  const products = await repo.products(
    userId,
    accountId,
    tags.map((t) => t.id),
  );
  return tags.map((t) => ({
    ...t,
    products: products
      .filter((p) => p.tag_id === t.id)
      .map(({ item_id, service_id, name }) => ({ item_id, service_id, name })),
  }));
}

export function tagsService(db: Db) {
  const repo = tagsRepository(db);
  const MANAGE = "manage the organisation's tags";

  async function one(userId: number, accountId: number, tagId: number) {
    const tag = await repo.one(userId, accountId, tagId);
    if (!tag) throw notFound('Tag');
    return presentTag(tag);
  }

  return {
    /** Any member lists the tags; counts and `with=products` only show products they may see. */
    async list(
      userId: number,
      accountId: number,
      query: Pick<ListQueryInput, 'order_by' | 'order' | 'order_for'> & { with?: string | string[] },
    ) {
      await membershipOf(db, accountId, userId);
      const wanted = parseWith(query.with, TAG_RELATIONS);
      const p = listParams(query, TAG_SORTS, [{ field: 'id', dir: 'asc' }]);
      const tags = (await repo.list(userId, accountId, p.sort)).map(presentTag);
      if (!wanted.has('products')) return tags;
      return withProducts(repo, userId, accountId, tags);
    },

    async create(userId: number, accountId: number, input: { name: string; color?: number }) {
      await requireMember(db, accountId, userId, 'admin', MANAGE);
      const row = await unlessDuplicate(() => repo.insert(accountId, input.name, input.color ?? 0));
      return { ...row, product_count: 0 };
    },

    async update(userId: number, accountId: number, tagId: number, input: TagInput) {
      await requireMember(db, accountId, userId, 'admin', MANAGE);
      const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const found = Object.keys(changes).length
        ? await unlessDuplicate(() => repo.update(accountId, tagId, changes))
        : await repo.exists(accountId, tagId);
      if (!found) throw notFound('Tag');
      return one(userId, accountId, tagId);
    },

    async remove(userId: number, accountId: number, tagId: number): Promise<true> {
      await requireMember(db, accountId, userId, 'admin', MANAGE);
      if (!(await repo.remove(accountId, tagId))) throw notFound('Tag');
      return true;
    },
  };
}
