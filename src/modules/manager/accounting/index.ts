import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';
import { invoiceRoutes } from './invoices.routes.js';
import { orderRoutes } from './orders.routes.js';
import { paymentMethodRoutes } from './payment-methods.routes.js';
import { payRoutes } from './pay.routes.js';
import { paymentRoutes } from './payment.routes.js';
import { prepaidRoutes } from './prepaid.routes.js';
import { toPayRoutes } from './to-pay.routes.js';

// The console's accounting pages: "Comptabilité" of one organisation (to pay, orders,
// invoices, payment methods, the prepaid account), each page acting through the API as the
// signed-in user.
export function accountingRoutes(app: FastifyInstance, deps: Deps): void {
  toPayRoutes(app, deps);
  payRoutes(app, deps);
  paymentRoutes(app, deps);
  orderRoutes(app, deps);
  invoiceRoutes(app, deps);
  paymentMethodRoutes(app, deps);
  prepaidRoutes(app, deps);
}
