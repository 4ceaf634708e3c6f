import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const productsModule: FastifyPluginAsyncTypebox = async () => {};
