import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SANDBOX_NAME } from '../../db/sandboxes.js';
import { notFound } from '../../shared/errors.js';
import { ok } from '../../shared/reply.js';
import { envelope, TrueEnvelope } from '../../shared/schemas.js';

// Sandboxes in the control plane: list them, make one, delete one with all its data. Any
// request with the admin token naming a sandbox (X-Mirror-Sandbox) makes it too; other
// requests only reach one that exists (plugins/sandbox.ts).

const config = { auth: 'mirror-admin' as const, rateLimit: false };
const tags = ['Mirror control plane'];
const Name = Type.String({
  pattern: SANDBOX_NAME.source,
  description: '1 to 32 characters: lowercase letters, digits, hyphens',
  examples: ['shard-1'],
});
const SandboxSchema = Type.Object(
  { name: Type.String() },
  { $id: 'MirrorSandbox', title: 'MirrorSandbox', examples: [{ name: 'shard-1' }] },
);

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/** The sandboxes: set whenever MIRROR_ADMIN_TOKEN is (app.ts), and without it these routes answer 404 (auth.ts). */
function sandboxesOf(app: App): NonNullable<App['sandboxes']> {
  if (!app.sandboxes) throw new Error('sandboxesOf: a control plane route ran without MIRROR_ADMIN_TOKEN');
  return app.sandboxes;
}

export const sandboxesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  listAndCreateSandboxRoutes(app);
  deleteSandboxRoute(app);
};

/** The sandboxes there are, and making one. */
function listAndCreateSandboxRoutes(app: App) {
  app.get(
    '/_mirror/sandboxes',
    {
      config,
      schema: {
        operationId: 'listMirrorSandboxes',
        tags,
        summary: 'The sandboxes there are (made by any instance on the database)',
        response: { 200: envelope(Type.Array(SandboxSchema)) },
      },
    },
    async () => ok((await sandboxesOf(app).list()).map((name) => ({ name }))),
  );

  app.post(
    '/_mirror/sandboxes',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'createMirrorSandbox',
        tags,
        summary:
          'Make a sandbox (an empty mirror: sign up or seed it, with X-Mirror-Sandbox); other callers only reach one that exists',
        body: Type.Object({ name: Name }, { additionalProperties: false, examples: [{ name: 'shard-1' }] }),
        response: {
          201: envelope(
            Type.Object(
              { name: Type.String(), ms: Type.Integer() },
              { $id: 'MirrorSandboxMade', title: 'MirrorSandboxMade', examples: [{ name: 'shard-1', ms: 240 }] },
            ),
          ),
        },
      },
    },
    async (req, reply) => {
      const started = performance.now();
      await sandboxesOf(app).open(req.body.name, true);
      return reply.code(201).send(ok({ name: req.body.name, ms: Math.round(performance.now() - started) }));
    },
  );
}

/** Deleting a sandbox with its data. */
function deleteSandboxRoute(app: App) {
  app.delete(
    '/_mirror/sandboxes/:name',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'deleteMirrorSandbox',
        tags,
        summary: 'Delete a sandbox and all its data',
        params: Type.Object({ name: Name }),
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => {
      if (!(await sandboxesOf(app).drop(req.params.name))) throw notFound('Sandbox');
      return ok(true);
    },
  );
}
