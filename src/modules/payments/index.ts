import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { paymentsRoutes } from './payments.routes.js';

// Paying invoices: by a saved method, the prepaid account (or both), or IBAN transfer, and the
// pending charges resolved on the mirror's clock. Charging and settling are the charges
// module's, which the renewal run shares.
export { resolvePendingCharges, type ChargeSummary, type OnSettled, type SettledCharge } from './pending-charges.js';

export const paymentsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(paymentsRoutes);
};
