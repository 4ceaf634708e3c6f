import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const billingModule: FastifyPluginAsyncTypebox = async () => {};
