import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { renewalsRoutes } from './renewals.routes.js';

// Auto-renewal: the per-product setting and its bulk switch-off, the renewal run (a job on
// every instance, see renewal-scheduler.ts, registered at the root so the control plane can
// run it when it moves the clock), and its attempts. Paying with a card or Twint switches
// auto-renewal on through the charges module (`settleCharged`).
export { renewalScheduler, type Ticker } from './renewal-scheduler.js';

export const renewalsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(renewalsRoutes);
};
