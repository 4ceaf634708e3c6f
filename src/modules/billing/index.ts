import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { billingRoutes } from './billing.routes.js';

export const billingModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(billingRoutes);
};
