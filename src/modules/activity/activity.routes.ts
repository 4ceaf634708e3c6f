import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listResult } from '../../shared/pagination.js';
import { callerId as caller } from '../../shared/reply.js';
import { listEnvelope } from '../../shared/schemas.js';
import { AccountLogsQuery, AccountParams, ActivitySchema, ProfileLogsQuery } from './activity.schemas.js';
import { activityService } from './activity.service.js';

// Reading the activity log: one's own (every organisation and the profile), or an
// organisation's (owners and administrators only).

export const activityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = activityService(app.db);

  app.get(
    '/2/profile/logs',
    {
      config: { auth: { scopes: ['user_info'] } },
      schema: {
        operationId: 'listProfileLogs',
        tags: ['Profile > Activity'],
        summary: "The caller's own recent activity (sign-ins, tokens, changes they made anywhere), newest first",
        querystring: ProfileLogsQuery,
        response: { 200: listEnvelope(ActivitySchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.ofUser(caller(req), req.query);
      return listResult(items, total, params);
    },
  );

  app.get(
    '/1/accounts/:account/logs',
    {
      config: { auth: { scopes: ['accounts'] }, access: { min: 'admin' } },
      schema: {
        operationId: 'listAccountLogs',
        tags: ['Organisations > Activity'],
        summary:
          "The organisation's activity: every change to it, its members, rights, products, billing and renewals (owners and administrators)",
        params: AccountParams,
        querystring: AccountLogsQuery,
        response: { 200: listEnvelope(ActivitySchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.ofAccount(caller(req), req.params.account, req.query);
      return listResult(items, total, params);
    },
  );
};
