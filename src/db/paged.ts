import { sql, type Compilable, type Expression, type SelectQueryBuilder } from 'kysely';
import type { Executor } from './database.js';
import { shaped } from './shaped.js';
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
 * count's statement is saved: a page shorter than its size.
 * A page past the end holds no row and says nothing of where the end was.
 */
function lastPage(rows: number, p: ListParams<string>): boolean {
  if (rows === 0) return p.offset === 0;
  return rows < p.limit;
}

/** The rows in the page's order (the requested sort, then the tie-break), cut at its offset and size. */
function inPageOrder<DB, TB extends keyof DB, O, F extends string>(
  rows: SelectQueryBuilder<DB, TB, O>,
  p: ListParams<F>,
  columns: SortColumns<F>,
  tieBreak: Expression<unknown>,
): SelectQueryBuilder<DB, TB, O> {
  let q = rows;
  for (const s of p.sort) q = q.orderBy(sql`${columns[s.field]} ${sql.raw(s.dir)}`);
  return q
    .orderBy(sql`${tieBreak}`)
    .offset(p.offset)
    .limit(p.limit);
}

/** The page from its rows' statement and its count's, the count run only when it is needed. */
async function pageFrom<O>(
  rows: () => Promise<O[]>,
  count: () => Promise<{ total: number | string | bigint }>,
  p: ListParams<string>,
): Promise<Page<O>> {
  const counted = async () => Number((await count()).total);
  if (p.totalOnly) return { items: [], total: await counted() };
  const items = await rows();
  return { items, total: lastPage(items.length, p) ? p.offset + items.length : await counted() };
}

export function pageOf<DB, TB extends keyof DB, O, F extends string>(
  count: CountQuery,
  rows: SelectQueryBuilder<DB, TB, O>,
  p: ListParams<F>,
  columns: SortColumns<F>,
  tieBreak: Expression<unknown>,
): Promise<Page<O>> {
  return pageFrom(
    () => inPageOrder(rows, p, columns, tieBreak).execute(),
    () => count.executeTakeFirstOrThrow(),
    p,
  );
}

/** A list's rows and its count, built for one shape with stand-ins for its values (shaped.ts). */
interface ListStatements<DB, TB extends keyof DB, O> {
  rows: SelectQueryBuilder<DB, TB, O>;
  count: Compilable<{ total: number | string | bigint }>;
}

/**
 * pageOf for a hot list: its two statements are built and compiled once per shape and page
 * (shaped.ts), and each call binds its values into them.
 */
export function shapedPage<V extends object, S, DB, TB extends keyof DB, O, F extends string>(
  build: (db: Executor, values: V, shape: S, p: ListParams<F>) => ListStatements<DB, TB, O>,
  columns: SortColumns<F>,
  tieBreak: Expression<unknown>,
) {
  const statements = shaped((db: Executor, values: V, { shape, p }: { shape: S; p: ListParams<F> }) => {
    const { rows, count } = build(db, values, shape, p);
    return { rows: inPageOrder(rows, p, columns, tieBreak), count };
  });
  return (db: Executor, values: V, shape: S, p: ListParams<F>): Promise<Page<O>> => {
    const run = statements(db, values, { shape, p });
    return pageFrom(
      run.rows,
      async () => {
        const [row] = await run.count();
        if (!row) throw new Error('a count answered no row');
        return row;
      },
      p,
    );
  };
}
