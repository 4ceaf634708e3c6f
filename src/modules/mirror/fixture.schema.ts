import { Type, type Static } from 'typebox';
import { StringEnum } from '../../shared/schemas.js';
import { EventInput } from '../events/index.js';

// The format of a seed: the named fixtures are written in it, and POST /_mirror/seed takes a
// document in it. Everything is named by a `key` the document uses to refer to it; times are
// days relative to `now`, the moment the mirror's clock is set to, so the same document gives
// the same ids and timestamps on every run.

const Key = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_-]+$' });
const Days = Type.Integer({ minimum: -3650, maximum: 3650 });

export const FixtureSchema = Type.Object(
  {
    now: Type.Integer({
      minimum: 0,
      description: "The mirror's time after seeding (Unix seconds), within 100 years of the machine's time",
    }),
    users: Type.Array(
      Type.Object(
        {
          key: Key,
          email: Type.String({ minLength: 3, maxLength: 255 }),
          first_name: Type.String({ minLength: 1, maxLength: 255 }),
          last_name: Type.String({ minLength: 1, maxLength: 255 }),
          password: Type.String({ minLength: 8, maxLength: 255 }),
          is_staff: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    organisations: Type.Array(
      Type.Object(
        {
          key: Key,
          name: Type.String({ minLength: 1, maxLength: 255 }),
          currency: StringEnum(['CHF', 'EUR']),
          members: Type.Array(
            Type.Object(
              {
                user: Key,
                role: StringEnum(['owner', 'admin', 'normal']),
                billing: Type.Optional(Type.Boolean()),
              },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
          teams: Type.Optional(
            Type.Array(
              Type.Object(
                { name: Type.String({ minLength: 1 }), members: Type.Array(Key) },
                { additionalProperties: false },
              ),
            ),
          ),
          payment_methods: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  key: Key,
                  kind: StringEnum(['card', 'twint', 'paypal', 'postfinance']),
                  identifier: Type.String({ description: 'Card number (a test number), phone or e-mail' }),
                },
                { additionalProperties: false },
              ),
            ),
          ),
          products: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  key: Key,
                  service_name: Type.String(),
                  customer_name: Type.String({ minLength: 1 }),
                  expires_in_days: Type.Union([Days, Type.Null()]),
                  auto_renewal_method: Type.Optional(Key),
                },
                { additionalProperties: false },
              ),
            ),
          ),
          unpaid_renewals: Type.Optional(
            Type.Array(
              Type.Object(
                { product: Key, period_months: Type.Integer({ minimum: 1 }) },
                { additionalProperties: false },
              ),
            ),
          ),
          prepaid_balance: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    events: Type.Optional(
      Type.Array(
        Type.Object(
          {
            ...Type.Omit(EventInput, ['started_at', 'ended_at', 'user_id']).properties,
            starts_in_days: Days,
            ends_in_days: Type.Optional(Type.Union([Days, Type.Null()])),
          },
          { additionalProperties: false, description: "The status page's events (/2/events)" },
        ),
        { maxItems: 100 },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Fixture = Static<typeof FixtureSchema>;
