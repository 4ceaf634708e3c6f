import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { dueRoutes } from './due.routes.js';

// What an organisation has to pay (unpaid invoices, products due for renewal) and renewals:
// a renewal is an unpaid 'renewal' invoice; paying it extends its products (the charges
// module's `settle`, inside the payment's transaction).
export { issueRenewalInvoice, renewalOfCurrentPeriod } from './renew.js';
export { renewalPeriods } from './renewal-prices.js';

export const dueModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(dueRoutes);
};
