import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../../shared/reply.js';
import { envelope } from '../../shared/schemas.js';
import { EventInput, EventParams, EventPatch, EventSchema, eventsService } from '../events/index.js';
import { planTask, TaskSchema } from '../reference/index.js';
import { TaskPlanBody } from './planned.schemas.js';

// The control plane's way to the state no API call makes: the status page's events, and
// asynchronous tasks that move on the mirror's clock, so that a client's polling can be tested.

const tags = ['Mirror control plane'];
const config = {
  auth: 'mirror-admin' as const,
  rateLimit: false,
  activity: { none: "the operator's control plane, not a user's change" },
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];

export const plannedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  eventRoutes(app);
  taskRoutes(app);
};

/** Publishing and changing the status page's events. */
function eventRoutes(app: App) {
  const events = eventsService(app.db);

  app.post(
    '/_mirror/events',
    {
      config,
      schema: {
        operationId: 'createMirrorEvent',
        tags,
        summary: 'Publish an event on the status page (/2/events)',
        body: EventInput,
        response: { 201: envelope(EventSchema) },
      },
    },
    async (req, reply) => reply.code(201).send(ok(await events.create(req.body))),
  );

  app.patch(
    '/_mirror/events/:event_id',
    {
      config,
      schema: {
        operationId: 'updateMirrorEvent',
        tags,
        summary: 'Change an event (its status, end, comments…); `deleted: true` trashes it',
        params: EventParams,
        body: EventPatch,
        response: { 200: envelope(EventSchema) },
      },
    },
    async (req) => ok(await events.update(req.params.event_id, req.body)),
  );
}

/** Planning a user's asynchronous task. */
function taskRoutes(app: App) {
  app.post(
    '/_mirror/tasks',
    {
      config,
      schema: {
        operationId: 'createMirrorTask',
        tags,
        summary:
          "Make an asynchronous task of a user's that moves spooled → running → executed (or failed) on the mirror's clock",
        body: TaskPlanBody,
        response: { 201: envelope(TaskSchema) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const runningAfter = b.running_after ?? 0;
      const plan = {
        ...b,
        running_after: runningAfter,
        done_after: b.done_after ?? runningAfter + 60,
        outcome: b.outcome ?? 'executed',
      };
      return reply.code(201).send(ok(await planTask(app.db, plan)));
    },
  );
}
