import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { signupRoutes } from './signup.routes.js';

export const signupModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(signupRoutes);
};
