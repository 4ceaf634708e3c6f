import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const accountsModule: FastifyPluginAsyncTypebox = async () => {};
