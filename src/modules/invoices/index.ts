import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const invoicesModule: FastifyPluginAsyncTypebox = async () => {};
