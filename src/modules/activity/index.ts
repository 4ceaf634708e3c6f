import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { activityRoutes } from './activity.routes.js';

// The activity log: what every change made through the API records, and reading it back.
//
// The module is in two parts because Fastify gives each plugin a copy of its parent's hooks
// when it is registered: the recording hook has to be registered before every other module
// (with the app's cross-cutting plugins), while the reading routes keep their place among
// the modules (their place is their order in the OpenAPI document).

/** Records each successful change (a fastify-plugin: it applies to the whole app). */
export { activityHook } from './activity-hook.js';
export { activityLog, type ActivityEntry } from './activity.repository.js';

/** The routes that read the log: one's own, and an organisation's. */
export const activityModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(activityRoutes);
};
