import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { acceptanceRoutes } from './acceptance.routes.js';
import { invitationsRoutes } from './invitations.routes.js';

export const invitationsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(invitationsRoutes);
  await app.register(acceptanceRoutes);
};
