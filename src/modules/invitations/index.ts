import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const invitationsModule: FastifyPluginAsyncTypebox = async () => {};
