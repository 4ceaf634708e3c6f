import { Type, type Static } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';

export const AccountParams = Type.Object({ account: Id });
export const PaymentMethodParams = Type.Object({ account: Id, payment_method: Id });

export const METHOD_KINDS = ['card', 'postfinance', 'twint', 'paypal'] as const;
export const CARD_BRANDS = ['visa', 'mastercard', 'cb'] as const;
export const CREDIT_METHODS = ['card', 'postfinance', 'iban'] as const;

/** Prepaid deposits: 0.10 to 9999 of the organisation's currency. */
export const CREDIT_MIN = 10;
export const CREDIT_MAX = 999_900;

export const PaymentMethodSchema = Type.Object(
  {
    id: Id,
    kind: StringEnum(METHOD_KINDS),
    brand: Nullable(StringEnum(CARD_BRANDS, { description: 'Card network (cards only)' })),
    last4: Nullable(Type.String({ description: 'Last four digits of the card (cards only)' })),
    exp_month: Nullable(Type.Integer({ minimum: 1, maximum: 12 })),
    exp_year: Nullable(Type.Integer()),
    label: Type.String({ description: 'What the method is shown as, e.g. "Visa •••• 4242"' }),
    supports_auto_renewal: Type.Boolean({ description: 'Cards and Twint can renew products automatically' }),
    created_at: Timestamp,
  },
  {
    $id: 'PaymentMethod',
    title: 'PaymentMethod',
    examples: [
      {
        id: 1,
        kind: 'card',
        brand: 'visa',
        last4: '4242',
        exp_month: 12,
        exp_year: 2030,
        label: 'Visa •••• 4242',
        supports_auto_renewal: true,
        created_at: 1795659275,
      },
      {
        id: 2,
        kind: 'twint',
        brand: null,
        last4: null,
        exp_month: null,
        exp_year: null,
        label: 'TWINT +41791234567',
        supports_auto_renewal: true,
        created_at: 1795659290,
      },
    ],
  },
);

/**
 * One body for every kind; which fields a kind needs (and refuses) is checked by the service,
 * so a 422 names the field rather than a branch of a union.
 */
export const CreatePaymentMethodBody = Type.Object(
  {
    kind: StringEnum(METHOD_KINDS),
    number: Type.Optional(
      Type.String({ minLength: 1, maxLength: 32, description: 'Card number (card); spaces and dashes allowed' }),
    ),
    exp_month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    exp_year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
    cvc: Type.Optional(Type.String({ pattern: '^[0-9]{3,4}$' })),
    holder: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    brand: Type.Optional(StringEnum(CARD_BRANDS, { description: 'Force the network of a co-branded card (e.g. cb)' })),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Twint phone number' })),
    email: Type.Optional(
      Type.String({ minLength: 3, maxLength: 255, description: 'PayPal or PostFinance login e-mail' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      { kind: 'card', number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
      { kind: 'twint', phone: '+41791234567' },
      { kind: 'paypal', email: 'buyer@example.test' },
    ],
  },
);
export type CreatePaymentMethodInput = Static<typeof CreatePaymentMethodBody>;

export const PaymentMethodsQuery = Type.Object({ ...ListQuery });
export type PaymentMethodsQueryInput = Static<typeof PaymentMethodsQuery>;

export const PrepaidSchema = Type.Object(
  {
    balance: Type.Integer({ description: 'Minor units' }),
    currency: StringEnum(['EUR', 'CHF']),
  },
  { $id: 'PrepaidAccount', title: 'PrepaidAccount', examples: [{ balance: 5000, currency: 'CHF' }] },
);

export const PrepaidTransactionSchema = Type.Object(
  {
    id: Id,
    amount: Type.Integer({ description: 'Minor units; negative for a debit' }),
    kind: StringEnum(['credit', 'debit', 'refund']),
    description: Type.String(),
    payment_id: Nullable(Type.Integer()),
    created_at: Timestamp,
  },
  {
    $id: 'PrepaidTransaction',
    title: 'PrepaidTransaction',
    examples: [
      {
        id: 2,
        amount: -4865,
        kind: 'debit',
        description: 'Payment 3 of invoices 1',
        payment_id: 3,
        created_at: 1795659400,
      },
      {
        id: 1,
        amount: 5000,
        kind: 'credit',
        description: 'Deposit by Visa •••• 4242',
        payment_id: 1,
        created_at: 1795659300,
      },
    ],
  },
);

export const PrepaidTransactionsQuery = Type.Object({
  page: ListQuery.page,
  per_page: ListQuery.per_page,
  limit: ListQuery.limit,
  skip: ListQuery.skip,
  return: ListQuery.return,
});
export type PrepaidTransactionsQueryInput = Static<typeof PrepaidTransactionsQuery>;

export const CreditBody = Type.Object(
  {
    amount: Type.Integer({ description: `Minor units, ${CREDIT_MIN} to ${CREDIT_MAX} (0.10 to 9999)` }),
    method: StringEnum(CREDIT_METHODS),
    payment_method_id: Type.Optional(Id),
  },
  {
    additionalProperties: false,
    examples: [
      { amount: 5000, method: 'card' },
      { amount: 10000, method: 'iban' },
    ],
  },
);
export type CreditInput = Static<typeof CreditBody>;

export const CreditSchema = Type.Object(
  {
    payment_id: Id,
    status: StringEnum(['succeeded', 'pending']),
    method: StringEnum(CREDIT_METHODS),
    payment_method_id: Nullable(Type.Integer()),
    amount: Type.Integer(),
    currency: StringEnum(['EUR', 'CHF']),
    reference: Type.String({
      description: 'The processor reference, or the bank reference to quote on an IBAN transfer',
    }),
    credited: Type.Boolean({ description: 'Whether the amount is already on the prepaid balance' }),
    balance: Type.Integer({ description: 'The prepaid balance after this request' }),
    description: Type.String(),
    created_at: Timestamp,
  },
  {
    $id: 'PrepaidCredit',
    title: 'PrepaidCredit',
    examples: [
      {
        payment_id: 1,
        status: 'succeeded',
        method: 'card',
        payment_method_id: 1,
        amount: 5000,
        currency: 'CHF',
        reference: 'ch_fa49adcc010dea8fc903',
        credited: true,
        balance: 5000,
        description: '50.00 CHF credited to the prepaid account',
        created_at: 1795659300,
      },
      {
        payment_id: 2,
        status: 'pending',
        method: 'iban',
        payment_method_id: null,
        amount: 10000,
        currency: 'CHF',
        reference: 'RF82IKMC73FA4FFFF76',
        credited: false,
        balance: 5000,
        created_at: 1795659310,
        description:
          'Transfer 100.00 CHF to CH93 0076 2011 6238 5295 7 quoting RF82IKMC73FA4FFFF76. The prepaid account is credited when the transfer arrives (test mode: POST /1/accounts/1/payments/2/record_transfer).',
      },
    ],
  },
);
