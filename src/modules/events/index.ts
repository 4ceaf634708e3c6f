import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eventsRoutes } from './events.routes.js';

/** The status page's events (/2/events): written by the control plane and the seed, read by anyone. */
export const eventsModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(eventsRoutes);
};

export { eventRow, eventsService } from './events.service.js';
export { eventsRepository } from './events.repository.js';
export { EventInput, EventParams, EventPatch, EventSchema } from './events.schemas.js';
