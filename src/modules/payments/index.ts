import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { paymentsRoutes } from './payments.routes.js';

// Paying invoices: by a saved method, the prepaid account (or both), or IBAN transfer. The
// renewal run pays its invoices through the same `settle`.
export { settle } from './settle.js';
export { resolvePendingCharges, type ChargeSummary, type OnSettled, type SettledCharge } from './pending-charges.js';
export { paymentsRepository } from './payments.repository.js';

export const paymentsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(paymentsRoutes);
};
