import type { Executor } from '../../db/database.js';
import type { ListParams } from '../../shared/pagination.js';

const COLUMNS = ['uuid', 'status', 'created_at', 'updated_at', 'executed_at', 'finished_at', 'response', 'error'] as const;
export const TASK_SORTABLE = ['created_at', 'updated_at', 'status'] as const;

// Asynchronous operations of the caller. Modules that answer `result: "asynchronous"` insert
// here; a task is only ever visible to the user who started it.
export function tasksRepository(db: Executor) {
  return {
    async list(userId: number, p: ListParams) {
      const base = db.selectFrom('async_tasks').where('user_id', '=', userId);
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      if (p.totalOnly) return { items: [], total: Number(total) };
      let q = base.select(COLUMNS);
      for (const s of p.sort) q = q.orderBy(s.field as (typeof TASK_SORTABLE)[number], s.dir);
      q = q.orderBy('uuid').offset(p.offset);
      if (p.limit !== undefined) q = q.limit(p.limit);
      return { items: await q.execute(), total: Number(total) };
    },

    find(userId: number, uuid: string) {
      return db.selectFrom('async_tasks').select(COLUMNS).where('user_id', '=', userId).where('uuid', '=', uuid).executeTakeFirst();
    },
  };
}
