import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerId, ok } from '../../shared/reply.js';
import { envelope } from '../../shared/schemas.js';
import { AppAccessesSchema } from './app-accesses.schemas.js';
import { appAccessesService } from './app-accesses.service.js';
import { UserParams } from './members.schemas.js';

export const appAccessesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = appAccessesService(app.db);
  app.get(
    '/2/accounts/:account/users/:user/app_accesses',
    {
      config: { auth: { scopes: ['accounts' as const] }, access: { min: 'member' } },
      schema: {
        operationId: 'listAppAccesses',
        tags: ['Accounts > Users'],
        summary: "A member's accesses to the organisation's apps (kDrive, mail, kSuite), by app",
        params: UserParams,
        response: { 200: envelope(AppAccessesSchema) },
      },
    },
    async (req) => ok(await service.list(callerId(req), req.params.account, req.params.user)),
  );
};
