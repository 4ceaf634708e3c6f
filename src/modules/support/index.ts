import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { supportRoutes } from './support.routes.js';

/** Support access: what a user lets support into, and the support staff's view of it. */
export const supportModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(supportRoutes);
};
