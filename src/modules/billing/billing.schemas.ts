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
  { title: 'PaymentMethod' },
);

/**
 * One body for every kind; which fields a kind needs (and refuses) is checked by the service,
 * so a 422 names the field rather than a branch of a union.
 */
export const CreatePaymentMethodBody = Type.Object(
  {
    kind: StringEnum(METHOD_KINDS),
    number: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Card number (card); spaces and dashes allowed' })),
    exp_month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    exp_year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
    cvc: Type.Optional(Type.String({ pattern: '^[0-9]{3,4}$' })),
    holder: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    brand: Type.Optional(StringEnum(CARD_BRANDS, { description: 'Force the network of a co-branded card (e.g. cb)' })),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Twint phone number' })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 255, description: 'PayPal or PostFinance login e-mail' })),
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
  { title: 'PrepaidAccount' },
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
  { title: 'PrepaidTransaction' },
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
  { additionalProperties: false, examples: [{ amount: 5000, method: 'card' }, { amount: 10000, method: 'iban' }] },
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
    reference: Type.String({ description: 'The processor reference, or the bank reference to quote on an IBAN transfer' }),
    credited: Type.Boolean({ description: 'Whether the amount is already on the prepaid balance' }),
    balance: Type.Integer({ description: 'The prepaid balance after this request' }),
    description: Type.String(),
    created_at: Timestamp,
  },
  { title: 'PrepaidCredit' },
);
