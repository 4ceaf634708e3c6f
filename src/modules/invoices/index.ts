import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invoicesRoutes } from './invoices.routes.js';

// The price list, orders and invoices (with their PDF). The payment slice calls `fulfilOrder`
// inside its transaction once an order's invoice is paid; every invoice is written by
// `issueInvoice`, so numbers, VAT and due dates are the same whatever bills.
export { fulfilOrder } from './fulfil.js';
export { issueInvoice } from './issue-invoice.js';
export { invoicesRepository } from './invoices.repository.js';

export const invoicesModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(invoicesRoutes);
};
