import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invoicesRoutes } from './invoices.routes.js';

// The price list, orders and invoices (with their PDF). The payment slice calls `fulfilOrder`
// inside its transaction once an order's invoice is paid; every invoice is written by
// `issueInvoice`, so numbers, VAT and due dates are the same whatever bills. Renewals and the
// due list read prices and present invoices through what is exported here.
export { fulfilOrder } from './fulfil.js';
export { issueInvoice } from './issue-invoice.js';
export {
  INVOICE_COLUMNS,
  invoiceLocks,
  invoiceParts,
  invoicesRepository,
  paidOfInvoice,
  type InvoicesRepository,
} from './invoices.repository.js';
export { presentInvoices } from './invoices.service.js';
export { addMonths, DAY, lineDescription, tldOf, type PriceRow } from './pricing.js';
export { CURRENCIES, InvoiceSchema, MAX_ORDER_ITEMS } from './invoices.schemas.js';

export const invoicesModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(invoicesRoutes);
};
