import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clockState, setClockOffset, syncClock } from '../../shared/clock-store.js';
import { invalidField } from '../../shared/errors.js';
import { StringEnum } from '../../shared/schemas.js';
import { listParams, listResult } from '../../shared/pagination.js';
import { ok } from '../../shared/reply.js';
import { envelope, listEnvelope } from '../../shared/schemas.js';
import { clockOffset, realNowSeconds } from '../../shared/time.js';
import { checkClockOffset } from './clock-bounds.js';
import { FIXTURES } from './fixtures/demo.js';
import { FixtureSchema } from './fixture.schema.js';
import { resetData } from './reset.js';
import { seed } from './seed.js';
import { Type } from 'typebox';
import { ClockSchema, MovedClockSchema, OUTBOX_SORTABLE, OutboxItemSchema, OutboxQuery, SetClockBody, type SetClockInput } from './mirror.schemas.js';

// The control plane: the mirror's clock and the notifications it would have sent. Only the
// operator's MIRROR_ADMIN_TOKEN opens it; without one it is not there (auth.ts).

const config = { auth: 'mirror-admin' as const, rateLimit: false };
const tags = ['Mirror control plane'];

const UNIT = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;
const seconds = (duration: string) =>
  [...duration.matchAll(/([0-9]+)([dhms])/g)].reduce((sum, [, n, u]) => sum + Number(n) * UNIT[u as keyof typeof UNIT], 0);

/** The offset the body asks for, `real` being the machine's time; exactly one of now, advance and reset. */
function offsetFor(body: SetClockInput, real: number): number {
  const given = (['now', 'advance', 'reset'] as const).filter((k) => body[k] !== undefined);
  if (given.length !== 1) throw invalidField('now', 'required_without', 'Give exactly one of now, advance and reset', ['now', 'advance', 'reset']);
  if (body.reset) return 0;
  const [field, offset] = body.now !== undefined
    ? ['now', body.now - real]
    : ['advance', clockOffset() + (typeof body.advance === 'number' ? body.advance : seconds(body.advance!))];
  checkClockOffset(field, offset);
  return offset;
}

export const mirrorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/_mirror/clock', {
    config,
    schema: { operationId: 'getMirrorClock', tags, summary: 'The mirror\'s time and how far it is from the machine\'s', response: { 200: envelope(ClockSchema) } },
  }, async () => {
    await syncClock(app.db);
    return ok(clockState());
  });

  app.put('/_mirror/clock', {
    config: { ...config, activity: { none: 'the operator\'s control plane, not a user\'s change' } },
    schema: {
      operationId: 'setMirrorClock', tags,
      summary: 'Set or advance the mirror\'s time, then run whatever became due (pending charges resolved, the renewal run)',
      description: 'Exactly one of now (Unix seconds), advance (seconds, or a duration like 15d, 12h, 1d6h) and reset. The clock stays within '
        + '100 years (36 525 days) of the machine\'s time: a now or advance beyond is a 422 naming it. Every instance on '
        + 'the database follows (each reads the clock before its renewal run). The answer says what the renewal run did at the new time, and how many pending charges succeeded or failed.',
      body: SetClockBody, response: { 200: envelope(MovedClockSchema) },
    },
  }, async (req) => {
    await syncClock(app.db);
    // The run happens at exactly the time asked for: were it to read the clock again, a
    // second ticking meanwhile would run it a second late (a retry due at that very second
    // would wait for the next move).
    const real = realNowSeconds();
    const offset = offsetFor(req.body, real);
    await setClockOffset(app.db, offset);
    const { renewals, charges } = await app.renewals.runJobs(real + offset);
    return ok({ now: real + offset, real_now: real, offset_seconds: offset, renewals, charges });
  });

  app.post('/_mirror/reset', {
    config: { ...config, activity: { none: 'the operator\'s control plane: it empties the log too' } },
    schema: {
      operationId: 'resetMirror', tags,
      summary: 'Empty every table (the price list kept) and set the clock back to real time',
      response: { 200: envelope(Type.Object({ tables: Type.Integer(), ms: Type.Integer() }, { title: 'MirrorReset', examples: [{ tables: 38, ms: 120 }] })) },
    },
  }, async () => {
    const started = performance.now();
    const { tables } = await resetData(app.db);
    return ok({ tables, ms: Math.round(performance.now() - started) });
  });

  app.post('/_mirror/seed', {
    config: { ...config, activity: { none: 'the operator\'s control plane: it empties the log too' } },
    schema: {
      operationId: 'seedMirror', tags,
      summary: 'Empty the mirror and load a fixture: the named `demo`, or a document in the same format; the same ids, times and tokens every run',
      body: Type.Object({ fixture: Type.Union([StringEnum(Object.keys(FIXTURES)), FixtureSchema]) }, { additionalProperties: false, examples: [{ fixture: 'demo' }] }),
      response: {
        200: envelope(Type.Object({
          now: Type.Integer(),
          users: Type.Array(Type.Object({ key: Type.String(), id: Type.Integer(), email: Type.String(), password: Type.String(), token: Type.String() })),
          organisations: Type.Array(Type.Object({
            key: Type.String(), id: Type.Integer(), products: Type.Record(Type.String(), Type.Integer()),
            payment_methods: Type.Record(Type.String(), Type.Integer()), invoice_ids: Type.Array(Type.Integer()),
          })),
          ms: Type.Integer(),
        }, { title: 'MirrorSeed' })),
      },
    },
  }, async (req) => {
    const started = performance.now();
    const fixture = typeof req.body.fixture === 'string' ? FIXTURES[req.body.fixture]! : req.body.fixture;
    const result = await seed(app.db, fixture);
    return ok({ ...result, ms: Math.round(performance.now() - started) });
  });

  app.get('/_mirror/outbox', {
    config,
    schema: {
      operationId: 'listMirrorOutbox', tags,
      summary: 'The notifications the mirror would have sent (invitations, renewals, security), newest first; filter by recipient and kind',
      querystring: OutboxQuery, response: { 200: listEnvelope(OutboxItemSchema) },
    },
  }, async (req) => {
    const q = req.query;
    const f = { ...q, ...q.filter };
    const params = listParams(q, OUTBOX_SORTABLE, [{ field: 'id', dir: 'desc' }]);
    let base = app.db.selectFrom('notifications_outbox');
    if (f.recipient !== undefined) base = base.where((eb) => eb(eb.fn('lower', ['recipient']), '=', f.recipient!.toLowerCase()));
    if (f.kind !== undefined) base = base.where('kind', '=', f.kind);
    if (f.account_id !== undefined) base = base.where('account_id', '=', f.account_id);
    if (f.user_id !== undefined) base = base.where('user_id', '=', f.user_id);
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    let rows = base.select(['id', 'recipient', 'user_id', 'account_id', 'kind', 'subject', 'body', 'created_at']);
    for (const s of params.sort) rows = rows.orderBy(s.field as (typeof OUTBOX_SORTABLE)[number], s.dir);
    rows = rows.orderBy('id', 'desc').offset(params.offset);
    if (params.limit !== undefined) rows = rows.limit(params.limit);
    return listResult(params.totalOnly ? [] : await rows.execute(), Number(total), params);
  });
};
