import { Type, type Static } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp, TimeFilter } from '../../shared/schemas.js';

export const AccountParams = Type.Object({ account: Id });
export const ProductParams = Type.Object({ account: Id, product: Id });

/** The first charge is tried this many days before expiry; switching on later than that is refused. */
export const RENEWAL_WINDOW_DAYS = 14;
export const ATTEMPT_STATUSES = ['succeeded', 'failed', 'locked'] as const;

const MethodSummary = Type.Object(
  { id: Id, kind: StringEnum(['card', 'twint', 'postfinance', 'paypal']), label: Type.String() },
  { $id: 'AutoRenewalMethod', title: 'AutoRenewalMethod' },
);

export const AutoRenewalSchema = Type.Object(
  {
    product_id: Id,
    service_name: Type.String(),
    customer_name: Type.String(),
    expired_at: Nullable(Timestamp),
    enabled: Type.Boolean(),
    payment_method: Nullable(MethodSummary),
    period_months: Nullable(
      Type.Integer({ description: 'What each renewal pays for (the shortest renewal period unless chosen)' }),
    ),
    next_attempt_at: Nullable(
      Type.Integer({ description: 'When the renewal run next charges the method (Unix seconds); null when off' }),
    ),
    is_locked: Type.Boolean({ description: 'The product expired with its renewal unpaid' }),
  },
  {
    $id: 'AutoRenewal',
    title: 'AutoRenewal',
    examples: [
      {
        product_id: 7,
        service_name: 'domain',
        customer_name: 'my-shop.ch',
        expired_at: 1890353675,
        enabled: true,
        payment_method: { id: 1, kind: 'card', label: 'Visa •••• 4242' },
        period_months: 12,
        next_attempt_at: 1889144075,
        is_locked: false,
      },
    ],
  },
);

const AutoRenewalFilters = {
  enabled: Type.Optional(Type.Boolean()),
  service_name: Type.Optional(Type.String({ maxLength: 64 })),
  expiring_before: Type.Optional(TimeFilter('Products expiring at or before (Unix seconds)')),
};
export const AutoRenewalQuery = Type.Object({
  filter: Type.Optional(Type.Object(AutoRenewalFilters, { additionalProperties: false })),
  ...AutoRenewalFilters,
  search: Type.Optional(Type.String({ maxLength: 255, description: "Part of the product's name" })),
  ...ListQuery,
});
export type AutoRenewalQueryInput = Static<typeof AutoRenewalQuery>;
export const AUTO_RENEWAL_SORTABLE = ['expired_at', 'product_id', 'customer_name'] as const;

export const SetAutoRenewalBody = Type.Object(
  {
    enabled: Type.Boolean(),
    payment_method_id: Type.Optional(Id),
    period_months: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 120, description: "One of the product's renewal periods" }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ enabled: true, payment_method_id: 1, period_months: 12 }, { enabled: false }],
  },
);
export type SetAutoRenewalInput = Static<typeof SetAutoRenewalBody>;

export const BulkAutoRenewalBody = Type.Object(
  {
    enabled: Type.Literal(false, {
      description: 'Bulk changes switch auto-renewal off; switch it on product by product',
    }),
    product_ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 1000, uniqueItems: true })),
    all: Type.Optional(Type.Literal(true, { description: 'Every product of the organisation' })),
  },
  {
    additionalProperties: false,
    examples: [
      { enabled: false, product_ids: [7, 8] },
      { enabled: false, all: true },
    ],
  },
);
export type BulkAutoRenewalInput = Static<typeof BulkAutoRenewalBody>;

export const BulkResultSchema = Type.Object(
  { product_ids: Type.Array(Id, { description: 'The products whose auto-renewal was on and is now off' }) },
  { $id: 'AutoRenewalSwitchOff', title: 'AutoRenewalSwitchOff', examples: [{ product_ids: [7, 8] }] },
);

export const RenewalAttemptSchema = Type.Object(
  {
    id: Id,
    product_id: Id,
    status: StringEnum(ATTEMPT_STATUSES, {
      description: 'succeeded: renewed; failed: the charge was declined (or impossible); locked: expired unpaid',
    }),
    for_expired_at: Timestamp,
    new_expired_at: Nullable(Timestamp),
    invoice_id: Nullable(Id),
    payment_id: Nullable(Id),
    payment_method_id: Nullable(Id),
    period_months: Nullable(Type.Integer()),
    amount: Nullable(Type.Integer({ description: 'The invoice total, minor units' })),
    currency: StringEnum(['EUR', 'CHF']),
    failure_code: Nullable(
      Type.String({
        description:
          'card_declined, insufficient_funds, declined, payment_pending, no_payment_method, not_renewable, renewal_invoiced (a renewal invoice by hand for several products awaits payment for this period)',
      }),
    ),
    next_attempt_at: Nullable(Timestamp),
    created_at: Timestamp,
  },
  {
    $id: 'RenewalAttempt',
    title: 'RenewalAttempt',
    examples: [
      {
        id: 2,
        product_id: 7,
        status: 'succeeded',
        for_expired_at: 1890353675,
        new_expired_at: 1921889675,
        invoice_id: 9,
        payment_id: 12,
        payment_method_id: 1,
        period_months: 12,
        amount: 1622,
        currency: 'CHF',
        failure_code: null,
        next_attempt_at: null,
        created_at: 1889230475,
      },
      {
        id: 1,
        product_id: 7,
        status: 'failed',
        for_expired_at: 1890353675,
        new_expired_at: null,
        invoice_id: 9,
        payment_id: 11,
        payment_method_id: 1,
        period_months: 12,
        amount: 1622,
        currency: 'CHF',
        failure_code: 'insufficient_funds',
        next_attempt_at: 1889230475,
        created_at: 1889144075,
      },
    ],
  },
);

const AttemptFilters = {
  product_id: Type.Optional(Id),
  status: Type.Optional(StringEnum(ATTEMPT_STATUSES)),
};
export const AttemptsQuery = Type.Object({
  filter: Type.Optional(Type.Object(AttemptFilters, { additionalProperties: false })),
  ...AttemptFilters,
  ...ListQuery,
});
export type AttemptsQueryInput = Static<typeof AttemptsQuery>;
export const ATTEMPT_SORTABLE = ['id', 'created_at'] as const;
