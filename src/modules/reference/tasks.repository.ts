import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { pageOf, sortFields, type SortColumns } from '../../db/paged.js';
import type { ListParams } from '../../shared/pagination.js';

const COLUMNS = [
  'uuid',
  'status',
  'created_at',
  'updated_at',
  'executed_at',
  'finished_at',
  'response',
  'error',
] as const;
const TASK_SORT = {
  created_at: sql.ref('created_at'),
  updated_at: sql.ref('updated_at'),
  status: sql.ref('status'),
} satisfies SortColumns<string>;
export const TASK_SORTABLE = sortFields(TASK_SORT);

// Asynchronous operations of the caller. Modules that answer `result: "asynchronous"` insert
// here; a task is only ever visible to the user who started it.
export function tasksRepository(db: Executor) {
  return {
    list(userId: number, p: ListParams<keyof typeof TASK_SORT>) {
      const base = db.selectFrom('async_tasks').where('user_id', '=', userId);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      return pageOf(count, base.select(COLUMNS), p, TASK_SORT, sql.ref('uuid'));
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
