import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, envelope, TrueEnvelope } from '../../shared/schemas.js';
import { ok } from '../../shared/reply.js';
import { timed } from './mirror.service.js';
import { dropSnapshot, listSnapshots, restoreSnapshot, saveSnapshot, SNAPSHOT_NAME } from './snapshots.js';

// Snapshots of the whole state under a name, to put back at will: a test suite saves a world
// it built once and restores it before each test instead of building it again. Everything
// goes through app.db, so inside a sandbox the sandbox's own state is saved and restored.

const config = { auth: 'mirror-admin' as const, rateLimit: false };
const tags = ['Mirror control plane'];

const Name = Type.String({
  pattern: SNAPSHOT_NAME,
  description: '1 to 32 characters: lowercase letters, digits, `_` and `-`, not starting with `_` or `-`',
});
const fields = {
  name: Type.String(),
  tables: Type.Integer({ description: 'Tables saved (the clock included)' }),
  rows: Type.Integer({ description: 'Rows saved, all tables together' }),
  created_at: Type.Integer({ description: 'When it was saved (Unix seconds, real time)' }),
};
const example = { name: 'two-orgs', tables: 37, rows: 214, created_at: 1_764_133_200 };
const SnapshotSchema = Type.Object(fields, { $id: 'MirrorSnapshot', title: 'MirrorSnapshot', examples: [example] });
const DoneSchema = Type.Object(
  { ...fields, ms: Type.Integer({ description: 'How long it took' }) },
  { $id: 'MirrorSnapshotDone', title: 'MirrorSnapshotDone', examples: [{ ...example, ms: 85 }] },
);
const Params = Type.Object({ name: Type.String() });

export const snapshotRoutes: FastifyPluginAsyncTypebox = async (app) => {
  saveAndListSnapshotRoutes(app);
  oneSnapshotRoutes(app);
};

type App = Parameters<FastifyPluginAsyncTypebox>[0];

/** Saving a snapshot of the database, and the snapshots there are. */
function saveAndListSnapshotRoutes(app: App) {
  app.post(
    '/_mirror/snapshots',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'saveMirrorSnapshot',
        tags,
        summary:
          "Save the whole state under a name (every table of data, the ids' sequences, the clock); an existing snapshot of that name is replaced",
        description:
          "Not saved: the price list and the server's own keys, which reset keeps too. Snapshots outlive POST /_mirror/reset.",
        body: Type.Object({ name: Name }, { additionalProperties: false, examples: [{ name: 'two-orgs' }] }),
        response: { 201: envelope(DoneSchema) },
      },
    },
    async (req, reply) => reply.code(201).send(ok(await timed(() => saveSnapshot(app.db, req.body.name)))),
  );

  app.get(
    '/_mirror/snapshots',
    {
      config,
      schema: {
        operationId: 'listMirrorSnapshots',
        tags,
        summary: 'The saved snapshots, by name',
        response: { 200: envelope(Type.Array(SnapshotSchema)) },
      },
    },
    async () => ok(await listSnapshots(app.db)),
  );
}

/** One snapshot: restoring it, deleting it. */
function oneSnapshotRoutes(app: App) {
  app.post(
    '/_mirror/snapshots/:name/restore',
    {
      config: { ...config, activity: { none: "the operator's control plane: it puts the log back too" } },
      schema: {
        operationId: 'restoreMirrorSnapshot',
        tags,
        summary: 'Put the state saved under this name back exactly: the rows, the next ids, the clock',
        description:
          'All in one transaction: on any failure nothing changes. 409 when the snapshot was taken before a migration the database has since run.',
        params: Params,
        response: { 200: envelope(DoneSchema), ...errorResponses([409]) },
      },
    },
    async (req) => ok(await timed(() => restoreSnapshot(app.db, req.params.name))),
  );

  app.delete(
    '/_mirror/snapshots/:name',
    {
      config: { ...config, activity: { none: "the operator's control plane, not a user's change" } },
      schema: {
        operationId: 'deleteMirrorSnapshot',
        tags,
        summary: 'Delete a snapshot',
        params: Params,
        response: { 200: TrueEnvelope },
      },
    },
    async (req) => {
      await dropSnapshot(app.db, req.params.name);
      return ok(true);
    },
  );
}
