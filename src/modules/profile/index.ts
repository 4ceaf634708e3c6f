import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const profileModule: FastifyPluginAsyncTypebox = async () => {};
