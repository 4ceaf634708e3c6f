import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { appPasswordsRoutes } from './app-passwords.routes.js';

// Application passwords of the profile; the OAuth password grant accepts them.
export const appPasswordsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(appPasswordsRoutes);
};
