import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../shared/errors.js';
import { listParams, listResult } from '../../shared/pagination.js';
import { ok } from '../../shared/reply.js';
import { envelope, listEnvelope } from '../../shared/schemas.js';
import * as S from './reference.schemas.js';
import { TASK_SORTABLE, tasksRepository } from './tasks.repository.js';

const config = { auth: { scopes: [] } };
const tags = ['Tasks'];

export const tasksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const repo = tasksRepository(app.db);

  app.get('/1/async/tasks', {
    config,
    schema: { operationId: 'listTasks', tags, summary: 'List your asynchronous tasks', querystring: S.PlainListQuery, response: { 200: listEnvelope(S.TaskSchema) } },
  }, async (req) => {
    const p = listParams(req.query, TASK_SORTABLE, [{ field: 'created_at', dir: 'desc' }]);
    const { items, total } = await repo.list(req.principal!.user.id, p);
    return listResult(items, total, p);
  });

  app.get('/1/async/tasks/:task_uuid', {
    config,
    schema: { operationId: 'getTask', tags, summary: 'Display a task', params: S.TaskParams, response: { 200: envelope(S.TaskSchema) } },
  }, async (req) => {
    const task = await repo.find(req.principal!.user.id, req.params.task_uuid);
    if (!task) throw notFound('Task');
    return ok(task);
  });
};
