import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { referenceRoutes } from './reference.routes.js';
import { tasksRoutes } from './tasks.routes.js';

export const referenceModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(referenceRoutes);
  await app.register(tasksRoutes);
};
