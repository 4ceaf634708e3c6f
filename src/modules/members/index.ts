import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { appAccessesRoutes } from './app-accesses.routes.js';
import { membersRoutes } from './members.routes.js';

/** Members of an organisation: listing, roles and rights, app accesses, removal, leaving, the legal responsible. */
export const membersModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(membersRoutes, { publicUrl: () => app.publicUrl });
  await app.register(appAccessesRoutes);
};
