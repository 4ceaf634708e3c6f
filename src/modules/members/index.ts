import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const membersModule: FastifyPluginAsyncTypebox = async () => {};
