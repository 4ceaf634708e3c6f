import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { billingRoutes } from './billing.routes.js';

// The simulated processor's test identifiers: what a payment method will do when charged.
export { behaviourOf, detectBrand, tokenFor } from './processor.js';

export const billingModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(billingRoutes);
};
