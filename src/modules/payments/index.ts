import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { paymentsRoutes } from './payments.routes.js';

// Paying invoices: by a saved method, the prepaid account (or both), or IBAN transfer.
// `onProductsPaidByRenewableMethod` is the hook point where auto-renewal (issue 5) switches on.
export { onProductsPaidByRenewableMethod } from './payments.service.js';

export const paymentsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(paymentsRoutes);
};
