import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../shared/principal.js';
import { ok } from '../../shared/reply.js';
import { envelope, listEnvelope } from '../../shared/schemas.js';
import * as S from './reference.schemas.js';
import { tasksService } from './tasks.service.js';

const config = { auth: { scopes: [] } };
const tags = ['Tasks'];

export const tasksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = tasksService(app.db);

  app.get(
    '/1/async/tasks',
    {
      config,
      schema: {
        operationId: 'listTasks',
        tags,
        summary: 'List your asynchronous tasks',
        querystring: S.PlainListQuery,
        response: { 200: listEnvelope(S.TaskSchema) },
      },
    },
    async (req) => service.list(principalOf(req).user.id, req.query),
  );

  app.get(
    '/1/async/tasks/:task_uuid',
    {
      config,
      schema: {
        operationId: 'getTask',
        tags,
        summary: 'Display a task',
        params: S.TaskParams,
        response: { 200: envelope(S.TaskSchema) },
      },
    },
    async (req) => ok(await service.get(principalOf(req).user.id, req.params.task_uuid)),
  );
};
