import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { listResult } from '../../shared/pagination.js';
import { ok } from '../../shared/reply.js';
import { envelope, listEnvelope } from '../../shared/schemas.js';
import { mirrorService } from './mirror.service.js';
import {
  ClockSchema,
  MovedClockSchema,
  OutboxItemSchema,
  OutboxQuery,
  ResetSchema,
  SeedBody,
  SeededSchema,
  SetClockBody,
} from './mirror.schemas.js';

// The control plane: the mirror's clock and the notifications it would have sent. Only the
// operator's MIRROR_ADMIN_TOKEN opens it; without one it is not there (auth.ts).

const config = { auth: 'mirror-admin' as const, rateLimit: false };
const tags = ['Mirror control plane'];

export const mirrorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = mirrorService(app.db, { runJobs: (at) => app.renewals.runJobs(at) });
  clockRoutes(app, service);
  resetAndSeedRoutes(app, service);
  outboxRoute(app, service);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Service = ReturnType<typeof mirrorService>;

/** The mirror's clock: reading it, setting it. */
function clockRoutes(app: App, service: Service) {
  app.get(
    '/_mirror/clock',
    {
      config,
      schema: {
        operationId: 'getMirrorClock',
        tags,
        summary: "The mirror's time and how far it is from the machine's",
        response: { 200: envelope(ClockSchema) },
      },
    },
    async () => ok(await service.clock()),
  );

  app.put(
    '/_mirror/clock',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'setMirrorClock',
        tags,
        summary:
          "Set or advance the mirror's time, then run whatever became due (pending charges resolved, the renewal run)",
        description:
          'Exactly one of now (Unix seconds), advance (seconds, or a duration like 15d, 12h, 1d6h) and reset. The clock stays within ' +
          "100 years (36 525 days) of the machine's time: a now or advance beyond is a 422 naming it. Every instance on " +
          'the database follows (each reads the clock before its renewal run). The answer says what the renewal run did at the new time, and how many pending charges succeeded or failed.',
        body: SetClockBody,
        response: { 200: envelope(MovedClockSchema) },
      },
    },
    async (req) => ok(await service.moveClock(req.body)),
  );
}

/** Emptying the mirror, and filling it with a fixture. */
function resetAndSeedRoutes(app: App, service: Service) {
  app.post(
    '/_mirror/reset',
    {
      config: { ...config, activity: { none: "the operator's control plane: it empties the log too" } },
      schema: {
        operationId: 'resetMirror',
        tags,
        summary: 'Empty every table (the price list kept) and set the clock back to real time',
        response: { 200: envelope(ResetSchema) },
      },
    },
    async () => ok(await service.reset()),
  );

  app.post(
    '/_mirror/seed',
    {
      config: { ...config, activity: { none: "the operator's control plane: it empties the log too" } },
      schema: {
        operationId: 'seedMirror',
        tags,
        summary:
          'Empty the mirror and load a fixture: the named `demo`, or a document in the same format; the same ids, times and tokens every run',
        body: SeedBody,
        response: { 200: envelope(SeededSchema) },
      },
    },
    async (req) => ok(await service.seed(req.body.fixture)),
  );
}

/** The messages the mirror would have sent. */
function outboxRoute(app: App, service: Service) {
  app.get(
    '/_mirror/outbox',
    {
      config,
      schema: {
        operationId: 'listMirrorOutbox',
        tags,
        summary:
          'The notifications the mirror would have sent (invitations, renewals, security), newest first; filter by recipient and kind',
        querystring: OutboxQuery,
        response: { 200: listEnvelope(OutboxItemSchema) },
      },
    },
    async (req) => {
      const { items, total, params } = await service.outbox(req.query);
      return listResult(items, total, params);
    },
  );
}
