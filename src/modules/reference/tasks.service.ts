import type { Db } from '../../db/database.js';
import { notFound } from '../../shared/errors.js';
import { listParams, listResult, type ListQueryInput } from '../../shared/pagination.js';
import { TASK_SORTABLE, tasksRepository } from './tasks.repository.js';

export function tasksService(db: Db) {
  const repo = tasksRepository(db);
  return {
    /** The caller's tasks, newest first unless the client sorts them otherwise. */
    async list(userId: number, query: ListQueryInput) {
      const p = listParams(query, TASK_SORTABLE, [{ field: 'created_at', dir: 'desc' }]);
      const { items, total } = await repo.list(userId, p);
      return listResult(items, total, p);
    },

    /** One of the caller's tasks; another user's is not found. */
    async get(userId: number, uuid: string) {
      const task = await repo.find(userId, uuid);
      if (!task) throw notFound('Task');
      return task;
    },
  };
}
