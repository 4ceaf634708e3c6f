import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { invalidField, notFound } from '../../shared/errors.js';
import { nowSeconds } from '../../shared/time.js';
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

/** A task the control plane plans: when it starts running and finishes (seconds from now on the mirror's clock), and how. */
export interface TaskPlan {
  user_id: number;
  running_after: number;
  done_after: number;
  outcome: 'executed' | 'failed';
  response?: Record<string, unknown>;
  error?: Record<string, unknown>;
}

/**
 * Makes a task of the user's that reads spooled until `running_after`, running until
 * `done_after`, then executed (with its response) or failed (with its error): a client's
 * polling sees it move as the mirror's clock does.
 */
export async function planTask(db: Db, plan: TaskPlan) {
  if (plan.done_after < plan.running_after) {
    throw invalidField('done_after', 'gte', 'A task is done after it starts running', [plan.running_after]);
  }
  const repo = tasksRepository(db);
  if (!(await repo.userExists(plan.user_id))) throw invalidField('user_id', 'exists', `No user ${plan.user_id}`);
  const now = nowSeconds();
  const failed = plan.outcome === 'failed';
  const task = {
    uuid: randomUUID(),
    user_id: plan.user_id,
    status: plan.outcome,
    created_at: now,
    updated_at: now,
    executed_at: now + plan.running_after,
    finished_at: now + plan.done_after,
    response: failed ? null : (plan.response ?? { result: 'success', data: true }),
    error: failed ? (plan.error ?? { code: 'unexpected_error', description: 'The task failed' }) : null,
  };
  const { uuid } = await repo.insert(task);
  return tasksService(db).get(plan.user_id, uuid);
}
