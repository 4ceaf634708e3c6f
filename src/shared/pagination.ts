import { Type, type Static, type TObject } from 'typebox';
import { StringEnum } from './schemas.js';
import { AppError, invalidField } from './errors.js';

// Upstream's list parameters: page/per_page or limit/skip, return=total, order_by + order or
// order_for[field], search. The same rules serve in-memory catalogues and SQL lists.

export const MAX_WINDOW = 10_000;
const DEFAULT_PER_PAGE = 10;
/** The largest page a client may ask for (`per_page`, `limit`), and the page of a list asked with neither. */
export const MAX_PAGE_SIZE = 1000;

export const ListQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  skip: Type.Optional(Type.Integer({ minimum: 0 })),
  return: Type.Optional(StringEnum(['total'])),
  order_by: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  order: Type.Optional(StringEnum(['asc', 'desc'], { default: 'asc' })),
  order_for: Type.Optional(Type.Record(Type.String(), StringEnum(['asc', 'desc']))),
};
export type ListQueryInput = Static<TObject<typeof ListQuery>>;

export interface Sort<F extends string = string> {
  field: F;
  dir: 'asc' | 'desc';
}

export interface ListParams<F extends string = string> {
  offset: number;
  limit: number;
  /** Set when the client paginates by page: the response then says which page it is. */
  page: number | undefined;
  sort: Sort<F>[];
  totalOnly: boolean;
}

function sortOf<F extends string>(q: ListQueryInput, sortable: readonly F[], fallback: Sort<F>[]): Sort<F>[] {
  const fields = q.order_by === undefined ? [] : Array.isArray(q.order_by) ? q.order_by : q.order_by.split(',');
  const named = [...fields.map((f) => f.trim()).filter(Boolean), ...Object.keys(q.order_for ?? {})];
  const isSortable = (f: string): f is F => sortable.some((s) => s === f);
  const unknown = named.filter((f) => !isSortable(f));
  if (unknown.length) throw invalidField('order_by', 'in', `Cannot sort by ${unknown.join(', ')}`, [...sortable]);
  const sort = [...new Set(named.filter(isSortable))].map((field) => ({
    field,
    dir: q.order_for?.[field] ?? q.order ?? 'asc',
  }));
  return sort.length ? sort : fallback;
}

export function listParams<F extends string>(
  q: ListQueryInput,
  sortable: readonly F[],
  fallback: Sort<F>[],
): ListParams<F> {
  const sort = sortOf(q, sortable, fallback);
  const totalOnly = q.return === 'total';
  if (q.page !== undefined || q.per_page !== undefined) {
    const page = q.page ?? 1;
    const perPage = q.per_page ?? DEFAULT_PER_PAGE;
    if (page * perPage > MAX_WINDOW) {
      throw new AppError('results_set_too_large_error', `page × per_page must stay within ${MAX_WINDOW} items`);
    }
    return { offset: (page - 1) * perPage, limit: perPage, page, sort, totalOnly };
  }
  // Without a page size the largest one applies, so that items_per_page is always the page's
  // size (never a count of the rows) and no list answers unbounded.
  return { offset: q.skip ?? 0, limit: q.limit ?? MAX_PAGE_SIZE, page: undefined, sort, totalOnly };
}

/** The list envelope: items with total/page/pages/items_per_page, or the count alone. */
export function listResult<T>(items: T[], total: number, p: ListParams) {
  if (p.totalOnly) return { result: 'success' as const, data: total };
  const perPage = p.limit;
  return {
    result: 'success' as const,
    data: items,
    total,
    page: p.page ?? Math.floor(p.offset / perPage) + 1,
    pages: Math.max(1, Math.ceil(total / perPage)),
    items_per_page: perPage,
  };
}

// Names compare as upstream's accent- and case-insensitive collation does: ÅLAND ISLANDS sorts
// with the A's, not after ZIMBABWE as plain code-unit order would put it.
const collator = new Intl.Collator('en', { sensitivity: 'base' });
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** An item's value of a field it is sorted by. */
function sortValue(item: object, field: string): string | number {
  const value: unknown = Reflect.get(item, field);
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a catalogue's sortable fields (those listParams accepts) hold strings or numbers
  return value as string | number;
}

/** Search, sort and cut a list held in memory (the reference catalogues). */
export function listInMemory<T extends object>(all: readonly T[], p: ListParams, match?: (item: T) => boolean) {
  const filtered = match ? all.filter(match) : [...all];
  const cmp = (a: T, b: T) => {
    for (const { field, dir } of p.sort) {
      const x = sortValue(a, field);
      const y = sortValue(b, field);
      const order =
        typeof x === 'string' && typeof y === 'string' ? collator.compare(x, y) : x === y ? 0 : x < y ? -1 : 1;
      if (order) return Math.sign(order) * (dir === 'asc' ? 1 : -1);
    }
    return 0;
  };
  filtered.sort(cmp);
  const items = filtered.slice(p.offset, p.offset + p.limit);
  return listResult(items, filtered.length, p);
}

export const contains = (haystack: string, needle: string) => fold(haystack).includes(fold(needle));
