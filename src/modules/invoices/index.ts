import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invoicesRoutes } from './invoices.routes.js';

// The price list, orders and invoices (with their PDF). The payment slice calls `fulfilOrder`
// inside its transaction once an order's invoice is paid; invoice numbers and VAT follow
// `invoiceNumber` and `VAT_BP`/`vatOf` wherever an invoice is made.
export { fulfilOrder } from './fulfil.js';
export { invoiceNumber, PAYMENT_TERM_DAYS, VAT_BP, vatOf } from './pricing.js';

export const invoicesModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(invoicesRoutes);
};
