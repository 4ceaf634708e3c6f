import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../shared/errors.js';
import { ok } from '../../shared/reply.js';
import { envelope, Nullable, StringEnum, TrueEnvelope } from '../../shared/schemas.js';
import { ERROR_STATUS } from '../../shared/errors.js';
import { MAX_FAULT_DELAY_MS } from './faults.js';

// Control-plane routes of the testing tools: fault rules, the X-Mirror-Fault switch and the
// request journal, of the sandbox the request names (X-Mirror-Sandbox), else of the main data.

const config = { auth: 'mirror-admin' as const, rateLimit: false };
const tags = ['Mirror control plane'];

const FaultSchema = Type.Object(
  {
    id: Type.String(),
    sandbox: Nullable(Type.String({ description: 'The sandbox whose requests it meets; null: the main data' })),
    method: Nullable(Type.String()),
    path: Type.String(),
    token: Nullable(Type.String()),
    status: Nullable(Type.Integer()),
    error_code: Nullable(Type.String()),
    delay_ms: Nullable(Type.Integer()),
    delay_max_ms: Nullable(Type.Integer()),
    drop: Type.Boolean(),
    probability: Type.Number(),
    hits: Type.Integer({ description: 'How many requests it has answered' }),
  },
  { $id: 'FaultRule', title: 'FaultRule' },
);
const NewFault = Type.Object(
  {
    method: Type.Optional(StringEnum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])),
    path: Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'A path pattern: * within a segment, ** across segments',
    }),
    token: Type.Optional(Type.String({ minLength: 1, description: 'Only requests with this bearer token' })),
    status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
    error_code: Type.Optional(StringEnum(Object.keys(ERROR_STATUS))),
    delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS })),
    delay_max_ms: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_FAULT_DELAY_MS,
        description: 'With delay_ms: a random delay in that range',
      }),
    ),
    drop: Type.Optional(Type.Boolean({ description: 'Close the connection without an answer' })),
    probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 1 })),
  },
  {
    additionalProperties: false,
    examples: [
      { method: 'POST', path: '/1/accounts/*/payments', status: 503 },
      { path: '/2/profile', delay_ms: 200, delay_max_ms: 800, probability: 0.5 },
    ],
  },
);
const FaultHeaderSchema = Type.Object(
  {
    enabled: Type.Boolean({
      description: "Whether every caller's X-Mirror-Fault header counts (else only the admin token's)",
    }),
  },
  { $id: 'FaultHeaderSwitch', title: 'FaultHeaderSwitch', additionalProperties: false, examples: [{ enabled: true }] },
);
const JournalSchema = Type.Object(
  {
    request_id: Type.String(),
    sandbox: Nullable(Type.String()),
    method: Type.String(),
    path: Type.String(),
    route: Nullable(Type.String()),
    status: Type.Integer(),
    token_id: Nullable(Type.Integer()),
    duration_ms: Type.Number(),
    validation_errors: Nullable(Type.Array(Type.Unknown())),
    error_code: Nullable(Type.String()),
    at: Type.Integer({ description: 'Unix milliseconds (real time)' }),
  },
  { $id: 'JournalEntry', title: 'JournalEntry' },
);
const JournalQuery = Type.Object({
  method: Type.Optional(Type.String()),
  path: Type.Optional(Type.String({ description: 'Part of the path' })),
  status: Type.Optional(Type.Integer()),
  token_id: Type.Optional(Type.Integer()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

const faultRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { faults } = app.mirror;
  faultRuleRoutes(app, faults);
  faultRemovalRoutes(app, faults);
  faultHeaderRoutes(app, faults);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];
type Faults = App['mirror']['faults'];

/** The fault rules in force, and adding one. */
function faultRuleRoutes(app: App, faults: Faults) {
  app.get(
    '/_mirror/faults',
    {
      config,
      schema: {
        operationId: 'listMirrorFaults',
        tags,
        summary: 'The fault rules in force on this instance',
        response: { 200: envelope(Type.Array(FaultSchema)) },
      },
    },
    async (req) => ok(faults.list(req.sandbox)),
  );

  app.post(
    '/_mirror/faults',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'addMirrorFault',
        tags,
        summary:
          'Add a fault rule: an error, a delay or a dropped connection for matching requests, with a probability',
        body: NewFault,
        response: { 201: envelope(FaultSchema) },
      },
    },
    async (req, reply) => reply.code(201).send(ok(faults.add(req.sandbox, req.body))),
  );
}

/** Removing every fault rule, or one. */
function faultRemovalRoutes(app: App, faults: Faults) {
  app.delete(
    '/_mirror/faults',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'clearMirrorFaults',
        tags,
        summary: 'Remove every fault rule',
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => {
      faults.clear(req.sandbox);
      return ok(true);
    },
  );

  app.delete(
    '/_mirror/faults/:id',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'deleteMirrorFault',
        tags,
        summary: 'Remove one fault rule',
        params: Type.Object({ id: Type.String() }),
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => {
      if (!faults.remove(req.sandbox, req.params.id)) throw notFound('Fault rule');
      return ok(true);
    },
  );
}

/** Whether the X-Mirror-Fault header counts: reading it, switching it. */
function faultHeaderRoutes(app: App, faults: Faults) {
  app.get(
    '/_mirror/faults/header',
    {
      config,
      schema: {
        operationId: 'getMirrorFaultHeader',
        tags,
        summary: 'Whether the X-Mirror-Fault header of any caller counts',
        response: { 200: envelope(FaultHeaderSchema) },
      },
    },
    async (req) => ok({ enabled: faults.headerHonoured(req.sandbox) }),
  );

  app.put(
    '/_mirror/faults/header',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'setMirrorFaultHeader',
        tags,
        summary:
          'Switch the X-Mirror-Fault header on or off for every caller (off: it counts only from the admin token, and is otherwise ignored)',
        body: FaultHeaderSchema,
        response: { 200: envelope(FaultHeaderSchema) },
      },
    },
    async (req) => {
      faults.honourHeader(req.sandbox, req.body.enabled);
      return ok({ enabled: faults.headerHonoured(req.sandbox) });
    },
  );
}

const journalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { journal } = app.mirror;

  app.get(
    '/_mirror/requests',
    {
      config,
      schema: {
        operationId: 'listMirrorRequests',
        tags,
        summary: "The last requests this instance answered, newest first (the control plane's own left out)",
        querystring: JournalQuery,
        response: { 200: envelope(Type.Array(JournalSchema)) },
      },
    },
    async (req) => ok(journal.search(req.sandbox, req.query)),
  );

  app.delete(
    '/_mirror/requests',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'clearMirrorRequests',
        tags,
        summary: 'Empty the request journal',
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => {
      journal.clear(req.sandbox);
      return ok(true);
    },
  );
};

export const testingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(faultRoutes);
  await app.register(journalRoutes);
};
