import { Type, type Static } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';

export const AccountParams = Type.Object({ account: Id });
export const PaymentParams = Type.Object({ account: Id, payment: Id });

export const PAYMENT_CHANNELS = ['card', 'postfinance', 'twint', 'paypal', 'iban', 'prepaid'] as const;
export const PAYMENT_STATUSES = ['succeeded', 'pending', 'failed'] as const;

const Money = (description: string) => Type.Integer({ minimum: 0, description: `${description} (minor units)` });

export const PaymentSchema = Type.Object(
  {
    id: Id,
    status: StringEnum(PAYMENT_STATUSES),
    method: StringEnum(PAYMENT_CHANNELS),
    payment_method_id: Nullable(
      Type.Integer({
        minimum: 1,
        description: 'The saved method charged; null when none was (IBAN, or the prepaid account paid it all)',
      }),
    ),
    currency: StringEnum(['EUR', 'CHF']),
    amount: Money('What the payment settles, prepaid part included'),
    prepaid_amount: Money('The part taken from the prepaid account'),
    processor_reference: Nullable(
      Type.String({
        description: "The processor's charge reference, or the creditor reference (RF…) of an IBAN transfer",
      }),
    ),
    failure_code: Nullable(Type.String({ description: 'Why a failed payment was declined' })),
    invoice_ids: Type.Array(Id),
    created_at: Timestamp,
  },
  {
    $id: 'Payment',
    title: 'Payment',
    examples: [
      {
        id: 3,
        status: 'succeeded',
        method: 'card',
        payment_method_id: 1,
        currency: 'CHF',
        amount: 4865,
        prepaid_amount: 2432,
        processor_reference: 'ch_5b1e0c9d2f7a4e8c1d3b',
        failure_code: null,
        invoice_ids: [1],
        created_at: 1795659400,
      },
      {
        id: 4,
        status: 'failed',
        method: 'card',
        payment_method_id: 5,
        currency: 'CHF',
        amount: 3243,
        prepaid_amount: 0,
        processor_reference: 'ch_0c2d9e8f7a6b5c4d3e2f',
        failure_code: 'card_declined',
        invoice_ids: [2],
        created_at: 1795660100,
      },
    ],
  },
);

export const CreatedPaymentSchema = Type.Object(
  {
    ...PaymentSchema.properties,
    bank_reference: Nullable(Type.String({ description: 'IBAN transfers: the creditor reference (RF…) to quote' })),
    proforma: Type.Boolean({
      description: 'True for an IBAN transfer: the invoices stay unpaid until the transfer arrives',
    }),
  },
  {
    $id: 'CreatedPayment',
    title: 'CreatedPayment',
    examples: [
      {
        id: 3,
        status: 'succeeded',
        method: 'card',
        payment_method_id: 1,
        currency: 'CHF',
        amount: 4865,
        prepaid_amount: 2432,
        processor_reference: 'ch_5b1e0c9d2f7a4e8c1d3b',
        failure_code: null,
        invoice_ids: [1],
        created_at: 1795659400,
        bank_reference: null,
        proforma: false,
      },
      {
        id: 6,
        status: 'pending',
        method: 'iban',
        payment_method_id: null,
        currency: 'CHF',
        amount: 3243,
        prepaid_amount: 0,
        processor_reference: 'RF38IKM29CEDE171387',
        failure_code: null,
        invoice_ids: [2],
        created_at: 1795660200,
        bank_reference: 'RF38IKM29CEDE171387',
        proforma: true,
      },
    ],
  },
);

export const CreatePaymentBody = Type.Object(
  {
    invoice_ids: Type.Optional(
      Type.Array(Id, { minItems: 1, maxItems: 100, description: 'Unpaid invoices to pay (or order_id)' }),
    ),
    order_id: Type.Optional(Id),
    method: StringEnum(PAYMENT_CHANNELS),
    payment_method_id: Type.Optional(Id),
    use_prepaid: Type.Optional(
      Type.Boolean({ description: 'Take what the prepaid account holds first, the method pays the rest' }),
    ),
    phone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description:
          'Twint only, instead of payment_method_id: pay with this Twint phone; the Twint profile is saved as a payment method once the charge goes through',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      { invoice_ids: [1, 2], method: 'card', use_prepaid: true },
      { order_id: 1, method: 'prepaid' },
      { invoice_ids: [3], method: 'iban' },
      { order_id: 2, method: 'twint', phone: '+41791234567' },
    ],
  },
);
export type CreatePaymentInput = Static<typeof CreatePaymentBody>;

export const PaymentsQuery = Type.Object({
  ...ListQuery,
  status: Type.Optional(StringEnum(PAYMENT_STATUSES)),
  filter: Type.Optional(Type.Object({ status: Type.Optional(StringEnum(PAYMENT_STATUSES)) })),
});
export type PaymentsQueryInput = Static<typeof PaymentsQuery>;
