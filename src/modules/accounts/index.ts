import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { accountsRoutes } from './accounts.routes.js';
import { tagsRoutes } from './tags.routes.js';

/** Organisations: their details, tags and the product counts; who may act on one (access). */
export const accountsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(accountsRoutes);
  await app.register(tagsRoutes);
};

export { atLeast, membershipOf, requireBilling, requireMember, requireRole, type Membership } from './access.js';
export { AccountSchema, CURRENCIES } from './accounts.schemas.js';
export { loadAccount } from './accounts.service.js';
