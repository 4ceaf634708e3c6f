import { Type, type Static } from 'typebox';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';
import { CURRENCIES, InvoiceSchema, MAX_ORDER_ITEMS } from '../invoices/index.js';

export const WINDOWS = ['2m', 'all'] as const;

const Money = (description: string) =>
  Type.Integer({ minimum: 0, description: `${description}, in minor units of the currency` });

export const AccountParams = Type.Object({ account: Id });

export const DueQuery = Type.Object({
  window: Type.Optional(
    StringEnum(WINDOWS, {
      description: '2m (default): products expiring within two months from now (or already expired); all: any expiry',
    }),
  ),
});
export type DueQueryInput = Static<typeof DueQuery>;

export const DueInvoiceSchema = Type.Object(
  {
    id: Id,
    number: Type.String(),
    total: Money('Subtotal plus VAT'),
    amount_due: Money('Total minus amount paid'),
    due_at: Timestamp,
  },
  { $id: 'DueInvoice', title: 'DueInvoice' },
);

export const RenewalPeriodSchema = Type.Object(
  { period_months: Type.Integer(), amount: Money('The price of the period, VAT excluded') },
  { $id: 'RenewalPeriod', title: 'RenewalPeriod' },
);

export const DueProductSchema = Type.Object(
  {
    id: Id,
    service_name: Type.String(),
    customer_name: Type.String(),
    expired_at: Nullable(Timestamp),
    renewal_periods: Type.Array(RenewalPeriodSchema),
  },
  { $id: 'DueProduct', title: 'DueProduct' },
);

export const DueSchema = Type.Object(
  {
    currency: StringEnum(CURRENCIES),
    invoices: Type.Array(DueInvoiceSchema),
    products: Type.Array(DueProductSchema),
  },
  {
    $id: 'BillingDue',
    title: 'BillingDue',
    examples: [
      {
        currency: 'CHF',
        invoices: [{ id: 2, number: 'IKM-2026-000002', total: 3243, amount_due: 3243, due_at: 1798252000 }],
        products: [
          {
            id: 7,
            service_name: 'web_hosting',
            customer_name: 'My website',
            expired_at: 1799000000,
            renewal_periods: [
              { period_months: 1, amount: 1000 },
              { period_months: 12, amount: 9900 },
            ],
          },
        ],
      },
    ],
  },
);

export const CreateRenewalBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          product_id: Id,
          period_months: Type.Integer({
            minimum: 1,
            maximum: 120,
            description: "One of the product's renewal periods (see billing/due)",
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_ORDER_ITEMS },
    ),
  },
  { additionalProperties: false, examples: [{ items: [{ product_id: 1, period_months: 24 }] }] },
);
export type CreateRenewalInput = Static<typeof CreateRenewalBody>;

export { InvoiceSchema };
