import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { avatarRoutes } from './avatar.routes.js';
import { contactsRoutes } from './contacts.routes.js';
import { profileRoutes } from './profile.routes.js';
import { sessionsRoutes } from './sessions.routes.js';

export const profileModule: FastifyPluginAsyncTypebox<{ publicUrl: () => string }> = async (app, opts) => {
  await app.register(profileRoutes, opts);
  await app.register(contactsRoutes);
  await app.register(avatarRoutes, opts);
  await app.register(sessionsRoutes);
};
