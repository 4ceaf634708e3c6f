import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { teamsRoutes } from './teams.routes.js';

export const teamsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(teamsRoutes);
};
