import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { healthRoutes } from './health.routes.js';

/** The probes of orchestrators: the process is up, the database answers. */
export const healthModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(healthRoutes);
};
