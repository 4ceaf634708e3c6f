import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mirrorRoutes } from './mirror.routes.js';
import { plannedRoutes } from './planned.routes.js';
import { sandboxesRoutes } from './sandboxes.routes.js';
import { snapshotRoutes } from './snapshots.routes.js';
import { testingRoutes } from './testing.routes.js';

// The operator's control plane under /_mirror (clock, reset and seed, outbox, snapshots,
// faults and the request journal, sandboxes, the status page's events, planned tasks), for tests that drive the mirror: on only with
// MIRROR_ADMIN_TOKEN.

/**
 * The fault rules and the request journal meet a request before anything else (before
 * authentication), so they are registered apart, early; `mirrorModule` needs them registered.
 */
export { mirrorHooks } from './testing-hooks.js';
/** For the process's start: MIRROR_SEED loads one of the fixtures. */
export { FIXTURES } from './fixtures/demo.js';
export { seed } from './seed.js';

export const mirrorModule: FastifyPluginAsyncTypebox = async (app) => {
  // The control plane saves, replaces and dates the data: the token uses gathered before its
  // call are written first, so that none lands in the data it restores or resets afterwards.
  app.addHook('preHandler', async (req) => {
    if (req.method !== 'GET') await app.tokenUsesWritten();
  });
  await app.register(mirrorRoutes);
  await app.register(snapshotRoutes);
  await app.register(testingRoutes);
  await app.register(sandboxesRoutes);
  await app.register(plannedRoutes);
};
