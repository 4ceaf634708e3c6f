import { sql, type Expression, type SelectQueryBuilder } from 'kysely';
import type { ListParams } from '../shared/pagination.js';

// The recipe every SQL list follows, in one place: the rows in the requested order, tie-broken
// by a unique column so that two pages never share a row, cut at the offset and the page size;
// then the count, unless the rows end the list (and the count alone for return=total).

/** The SQL expression each sortable field of a list orders by. */
export type SortColumns<F extends string> = Readonly<Record<F, Expression<unknown>>>;

/** The field names of a sort map, typed (Object.keys widens them to string). */
export const sortFields = <F extends string>(columns: SortColumns<F>) =>
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a SortColumns<F> has exactly the keys F (it is built as a literal of them)
  Object.keys(columns) as F[];

export interface Page<R> {
  items: R[];
  total: number;
}

/** A query that counts the list's rows into `total` (Postgres answers a bigint as a string). */
interface CountQuery {
  executeTakeFirstOrThrow(): Promise<{ total: number | string | bigint }>;
}

/**
 * Whether these rows end the list, so that the offset and their number are its count and the
 * count's statement is saved: a list not cut by a page size, or a page shorter than its size.
 * A page past the end holds no row and says nothing of where the end was.
 */
function lastPage(rows: number, p: ListParams<string>): boolean {
  if (rows === 0) return p.offset === 0;
  return p.limit === undefined || rows < p.limit;
}

export async function pageOf<DB, TB extends keyof DB, O, F extends string>(
  count: CountQuery,
  rows: SelectQueryBuilder<DB, TB, O>,
  p: ListParams<F>,
  columns: SortColumns<F>,
  tieBreak: Expression<unknown>,
): Promise<Page<O>> {
  const counted = async () => Number((await count.executeTakeFirstOrThrow()).total);
  if (p.totalOnly) return { items: [], total: await counted() };
  let q = rows;
  for (const s of p.sort) q = q.orderBy(sql`${columns[s.field]} ${sql.raw(s.dir)}`);
  q = q.orderBy(sql`${tieBreak}`).offset(p.offset);
  if (p.limit !== undefined) q = q.limit(p.limit);
  const items = await q.execute();
  return { items, total: lastPage(items.length, p) ? p.offset + items.length : await counted() };
}
