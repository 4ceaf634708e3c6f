import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { callerId as caller, ok } from '../../shared/reply.js';
import { Id } from '../../shared/schemas.js';
import { TrueEnvelope } from '../../shared/schemas.js';
import { profileService } from './profile.service.js';

// Ending one of the caller's sign-in sessions (GET /2/profile?with=security lists them): its
// cookie stops working at once.

export const sessionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = profileService(app.db);

  app.delete(
    '/2/profile/sessions/:session_id',
    {
      config: {
        auth: { scopes: ['user_info'] },
        activity: { action: 'session_revoked', target: { type: 'session', param: 'session_id' } },
      },
      schema: {
        operationId: 'endProfileSession',
        tags: ['Profile'],
        summary: 'End one of your sign-in sessions (see with=security)',
        params: Type.Object({ session_id: Id }),
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => ok(await service.endSession(caller(req), req.params.session_id)),
  );
};
