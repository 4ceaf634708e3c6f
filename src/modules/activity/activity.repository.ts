import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { pageOf, sortFields, type SortColumns } from '../../db/paged.js';
import { shaped } from '../../db/shaped.js';
import type { ListParams } from '../../shared/pagination.js';

// The SQL of the activity log: writing one line, and reading the lines a filter selects.

// One line of the activity log: who (null for the mirror itself), in which organisation,
// what (an action code of GET /1/actions), on what, from where.
export interface ActivityEntry {
  user_id: number | null;
  account_id?: number | null;
  action: string;
  target_type?: string | null;
  target_id?: number | null;
  product_id?: number | null;
  ip?: string | null;
  user_agent?: string | null;
}

export interface LogFilter {
  user_id?: number;
  account_id?: number;
  action?: string;
  product_id?: number;
  from?: number;
  to?: number;
  search?: string;
}

const LOG_SORT = { id: sql`l.id`, created_at: sql`l.created_at`, action: sql`l.action` } satisfies SortColumns<string>;
export const LOG_SORTABLE = sortFields(LOG_SORT);
export type LogSortField = keyof typeof LOG_SORT;

const escapeLike = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;

/** The log lines the filter selects, with their actor (null for the mirror's own). */
function selectLogs(db: Executor, f: LogFilter) {
  let base = db.selectFrom('activity_logs as l').leftJoin('users as u', 'u.id', 'l.user_id');
  if (f.user_id !== undefined) base = base.where('l.user_id', '=', f.user_id);
  if (f.account_id !== undefined) base = base.where('l.account_id', '=', f.account_id);
  if (f.action !== undefined) base = base.where('l.action', '=', f.action);
  if (f.product_id !== undefined) base = base.where('l.product_id', '=', f.product_id);
  if (f.from !== undefined) base = base.where('l.created_at', '>=', f.from);
  if (f.to !== undefined) base = base.where('l.created_at', '<=', f.to);
  if (f.search) {
    const like = escapeLike(f.search);
    base = base.where((eb) =>
      eb.or([
        eb('l.action', 'like', like),
        eb('l.target_type', 'like', like),
        eb(eb.fn('lower', ['u.email']), 'like', like),
      ]),
    );
  }
  return base;
}

/** An entry as its row holds it: every column given, the user agent cut to its column's 512. */
const lineOf = (e: ActivityEntry) => ({
  user_id: e.user_id,
  account_id: e.account_id ?? null,
  action: e.action,
  target_type: e.target_type ?? null,
  target_id: e.target_id ?? null,
  product_id: e.product_id ?? null,
  ip: e.ip ?? null,
  user_agent: e.user_agent?.slice(0, 512) ?? null,
});

// Written on every change made through the API: built and compiled once (db/shaped.ts).
const insertLine = shaped((db: Executor, line: ReturnType<typeof lineOf>) => ({
  // Each column named: the values are stand-ins, which have no keys to spread.
  insert: db.insertInto('activity_logs').values({
    user_id: line.user_id,
    account_id: line.account_id,
    action: line.action,
    target_type: line.target_type,
    target_id: line.target_id,
    product_id: line.product_id,
    ip: line.ip,
    user_agent: line.user_agent,
  }),
}));

/** Lines in one statement, in their order: the same columns as insertLine, one array each. */
async function insertLines(db: Executor, lines: readonly ReturnType<typeof lineOf>[]): Promise<void> {
  const column = <K extends keyof ReturnType<typeof lineOf>>(key: K) => lines.map((l) => l[key]);
  await sql`INSERT INTO activity_logs (user_id, account_id, action, target_type, target_id, product_id, ip, user_agent)
    SELECT user_id, account_id, action, target_type, target_id, product_id, ip, user_agent
    FROM unnest(${column('user_id')}::integer[], ${column('account_id')}::integer[], ${column('action')}::text[],
      ${column('target_type')}::text[], ${column('target_id')}::integer[], ${column('product_id')}::integer[],
      ${column('ip')}::text[], ${column('user_agent')}::text[])
      WITH ORDINALITY AS l(user_id, account_id, action, target_type, target_id, product_id, ip, user_agent, n)
    ORDER BY n`.execute(db);
}

export function activityLog(db: Executor) {
  return {
    record: (e: ActivityEntry) => insertLine(db, lineOf(e), {}).insert(),
    /** Several lines in one statement (ids in their order): all of them written, or none. */
    recordAll: (entries: readonly ActivityEntry[]) => insertLines(db, entries.map(lineOf)),
    /** A page of the log in the requested order; ties broken newest first. */
    list(f: LogFilter, p: ListParams<LogSortField>) {
      const base = selectLogs(db, f);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      const rows = base.select([
        'l.id',
        'l.action',
        'l.user_id',
        'u.email as user_email',
        'l.account_id',
        'l.target_type',
        'l.target_id',
        'l.product_id',
        'l.ip',
        'l.user_agent',
        'l.created_at',
      ]);
      return pageOf(count, rows, p, LOG_SORT, sql`l.id desc`);
    },
  };
}
