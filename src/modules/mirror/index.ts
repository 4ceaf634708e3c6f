import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mirrorRoutes } from './mirror.routes.js';
import { snapshotRoutes } from './snapshots.routes.js';

// The operator's control plane under /_mirror (clock, outbox, snapshots), for tests that
// drive the mirror: on only with MIRROR_ADMIN_TOKEN.
export const mirrorModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(mirrorRoutes);
  await app.register(snapshotRoutes);
};
