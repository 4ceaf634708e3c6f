import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../../shared/reply.js';
import { envelope } from '../../shared/schemas.js';
import { Type } from 'typebox';
import { EventParams, EventQuery, EventSchema, EventsQuery, PublicCloudStatusSchema } from './events.schemas.js';
import { eventsService } from './events.service.js';

// The status page: public, as upstream's (the official document asks no token for it).
const config = { auth: 'public' as const };
const tags = ['Events'];

export const eventsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = eventsService(app.db);

  app.get(
    '/2/events',
    {
      config,
      schema: {
        operationId: 'listEvents',
        tags,
        summary: "The status page's events (incidents, maintenances), the latest started first",
        querystring: EventsQuery,
        response: { 200: envelope(Type.Array(EventSchema)) },
      },
    },
    async (req) => ok(await service.list(req.query)),
  );

  // A static segment beats a parameter in Fastify's router, so this never reaches `:event_id`.
  app.get(
    '/2/events/public-cloud-status',
    {
      config,
      schema: {
        operationId: 'getPublicCloudStatus',
        tags: ['Events > Public Cloud Status'],
        summary: "The public cloud's state, from its events in progress",
        response: { 200: envelope(PublicCloudStatusSchema) },
      },
    },
    async () => ok(await service.publicCloudStatus()),
  );

  app.get(
    '/2/events/:event_id',
    {
      config,
      schema: {
        operationId: 'getEvent',
        tags,
        summary: 'One event of the status page',
        params: EventParams,
        querystring: EventQuery,
        response: { 200: envelope(EventSchema) },
      },
    },
    async (req) => ok(await service.get(req.params.event_id, req.query.locale)),
  );
};
