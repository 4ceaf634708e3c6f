import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { AsyncTasksTable } from '../../db/types.js';
import { pageOf, sortFields, type SortColumns } from '../../db/paged.js';
import type { ListParams } from '../../shared/pagination.js';

// A task's times may lie ahead of the mirror's clock (the control plane plans them): it reads
// as it stands at the mirror's now. Before `executed_at` it is spooled; before `finished_at`
// running; then its stored outcome, with its response or error.
const ahead = (column: 'executed_at' | 'finished_at') => sql`${sql.ref(column)} > mirror_now()`;
const passed = (column: 'executed_at' | 'finished_at') =>
  sql<number | null>`CASE WHEN ${ahead(column)} THEN NULL ELSE ${sql.ref(column)} END`;
const STATUS = sql<
  AsyncTasksTable['status']
>`CASE WHEN ${ahead('executed_at')} THEN 'spooled' WHEN ${ahead('finished_at')} THEN 'running' ELSE status END`;
const outcome = (column: 'response' | 'error') =>
  sql<Record<string, unknown> | null>`CASE WHEN ${ahead('finished_at')} THEN NULL ELSE ${sql.ref(column)} END`;

const COLUMNS = [
  'uuid',
  STATUS.as('status'),
  'created_at',
  sql<number>`GREATEST(updated_at, ${passed('executed_at')}, ${passed('finished_at')})`.as('updated_at'),
  passed('executed_at').as('executed_at'),
  passed('finished_at').as('finished_at'),
  outcome('response').as('response'),
  outcome('error').as('error'),
] as const;
const TASK_SORT = {
  created_at: sql.ref('created_at'),
  updated_at: sql.ref('updated_at'),
  status: STATUS,
} satisfies SortColumns<string>;
export const TASK_SORTABLE = sortFields(TASK_SORT);

// Asynchronous operations of the caller. Modules that answer `result: "asynchronous"` and the
// control plane insert here; a task is only ever visible to the user who started it.
export function tasksRepository(db: Executor) {
  return {
    list(userId: number, p: ListParams<keyof typeof TASK_SORT>) {
      const base = db.selectFrom('async_tasks').where('user_id', '=', userId);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      return pageOf(count, base.select(COLUMNS), p, TASK_SORT, sql.ref('uuid'));
    },

    async userExists(userId: number) {
      return !!(await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst());
    },

    /** A task of the user's, planned on the mirror's clock (the control plane's). */
    insert(task: Insertable<AsyncTasksTable>) {
      // jsonb is written as a typed literal so that pg and PGlite store it alike.
      const json = (v: Record<string, unknown> | null | undefined) =>
        v == null ? null : sql<Record<string, unknown>>`${JSON.stringify(v)}::jsonb`;
      return db
        .insertInto('async_tasks')
        .values({ ...task, response: json(task.response), error: json(task.error) })
        .returning('uuid')
        .executeTakeFirstOrThrow();
    },

    find(userId: number, uuid: string) {
      return db
        .selectFrom('async_tasks')
        .select(COLUMNS)
        .where('user_id', '=', userId)
        .where('uuid', '=', uuid)
        .executeTakeFirst();
    },
  };
}
