import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { accountsRoutes } from './accounts.routes.js';
import { tagsRoutes } from './tags.routes.js';

export const accountsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(accountsRoutes);
  await app.register(tagsRoutes);
};
