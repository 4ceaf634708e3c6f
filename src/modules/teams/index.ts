import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const teamsModule: FastifyPluginAsyncTypebox = async () => {};
