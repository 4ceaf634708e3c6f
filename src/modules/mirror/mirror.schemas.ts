import { Type, type Static } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';
import { CLOCK_RANGE_SECONDS } from './clock-bounds.js';
import { FIXTURES } from './fixtures/demo.js';
import { FixtureSchema } from './fixture.schema.js';

export const ClockSchema = Type.Object(
  {
    now: Type.Integer({ description: "The mirror's time (Unix seconds)" }),
    real_now: Type.Integer({ description: "The machine's time" }),
    offset_seconds: Type.Integer({ description: 'now − real_now' }),
  },
  {
    $id: 'MirrorClock',
    title: 'MirrorClock',
    examples: [{ now: 1797000000, real_now: 1795659275, offset_seconds: 1340725 }],
  },
);

export const MovedClockSchema = Type.Object(
  {
    ...ClockSchema.properties,
    renewals: Type.Object(
      { succeeded: Type.Integer(), failed: Type.Integer(), locked: Type.Integer() },
      { description: 'What the renewal run did at the new time' },
    ),
    charges: Type.Object(
      { succeeded: Type.Integer(), failed: Type.Integer() },
      {
        description:
          'Pending card, Twint, PayPal and PostFinance charges the simulated processor resolved by the new time (before the renewal run)',
      },
    ),
  },
  {
    $id: 'MovedMirrorClock',
    title: 'MovedMirrorClock',
    examples: [
      {
        now: 1797000000,
        real_now: 1795659275,
        offset_seconds: 1340725,
        renewals: { succeeded: 1, failed: 0, locked: 0 },
        charges: { succeeded: 0, failed: 0 },
      },
    ],
  },
);

/** `15d`, `12h`, `1d6h30m`, `90s`: days, hours, minutes, seconds. */
export const DURATION = '^([0-9]+[dhms])+$';

export const SetClockBody = Type.Object(
  {
    now: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "Go to this time (Unix seconds), within 100 years of the machine's time",
      }),
    ),
    advance: Type.Optional(
      Type.Union(
        [
          Type.Integer({ minimum: 0, maximum: CLOCK_RANGE_SECONDS, description: 'Seconds' }),
          Type.String({ pattern: DURATION, maxLength: 32, description: 'A duration: 15d, 12h, 1d6h30m, 90s' }),
        ],
        { description: "Move forward by this much, to at most 100 years past the machine's time" },
      ),
    ),
    reset: Type.Optional(Type.Literal(true, { description: "Back to the machine's time" })),
  },
  { additionalProperties: false, examples: [{ advance: '16d' }, { now: 1797000000 }, { reset: true }] },
);
export type SetClockInput = Static<typeof SetClockBody>;

export const OutboxItemSchema = Type.Object(
  {
    id: Id,
    recipient: Type.String(),
    user_id: Nullable(Id),
    account_id: Nullable(Id),
    kind: Type.String(),
    subject: Type.String(),
    body: Type.String(),
    created_at: Timestamp,
  },
  {
    $id: 'OutboxNotification',
    title: 'OutboxNotification',
    examples: [
      {
        id: 12,
        recipient: 'alice@example.test',
        user_id: 1,
        account_id: 1,
        kind: 'auto_renewal_succeeded',
        subject: 'domain my-shop.ch has been renewed',
        body: 'Hello Alice,\n\n16.22 CHF was charged to Visa •••• 4242. domain my-shop.ch now runs until 2030-11-26.',
        created_at: 1889144075,
      },
    ],
  },
);

const OutboxFilters = {
  recipient: Type.Optional(Type.String({ maxLength: 255, description: 'An e-mail address (case-insensitive)' })),
  kind: Type.Optional(Type.String({ maxLength: 64 })),
  account_id: Type.Optional(Id),
  user_id: Type.Optional(Id),
};
export const OutboxQuery = Type.Object({
  filter: Type.Optional(Type.Object(OutboxFilters, { additionalProperties: false })),
  ...OutboxFilters,
  ...ListQuery,
});
export type OutboxQueryInput = Static<typeof OutboxQuery>;

export const ResetSchema = Type.Object(
  { tables: Type.Integer(), ms: Type.Integer() },
  { $id: 'MirrorReset', title: 'MirrorReset', examples: [{ tables: 38, ms: 120 }] },
);

export const SeedBody = Type.Object(
  { fixture: Type.Union([StringEnum(Object.keys(FIXTURES)), FixtureSchema]) },
  { additionalProperties: false, examples: [{ fixture: 'demo' }] },
);

export const SeededSchema = Type.Object(
  {
    now: Type.Integer(),
    users: Type.Array(
      Type.Object({
        key: Type.String(),
        id: Type.Integer(),
        email: Type.String(),
        password: Type.String(),
        token: Type.String(),
      }),
    ),
    organisations: Type.Array(
      Type.Object({
        key: Type.String(),
        id: Type.Integer(),
        products: Type.Record(Type.String(), Type.Integer()),
        payment_methods: Type.Record(Type.String(), Type.Integer()),
        invoice_ids: Type.Array(Type.Integer()),
      }),
    ),
    ms: Type.Integer(),
  },
  { $id: 'MirrorSeed', title: 'MirrorSeed' },
);
