import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { productsRoutes } from './products.routes.js';

// The service catalogue, and the demo products of the first start.
export { serviceByName } from './services.js';
export { createDemoProducts } from './demo-products.js';

export const productsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(productsRoutes);
};
