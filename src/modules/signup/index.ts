import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const signupModule: FastifyPluginAsyncTypebox = async () => {};
