import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { productsRoutes } from './products.routes.js';

export const productsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(productsRoutes);
};
