import { Type, type Static } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp, TimeFilter } from '../../shared/schemas.js';

export const CURRENCIES = ['CHF', 'EUR'] as const;
export const INVOICE_STATUSES = ['unpaid', 'paid', 'cancelled', 'proforma'] as const;
export const ORDER_STATUSES = ['pending', 'paid', 'cancelled'] as const;
export const MAX_ORDER_ITEMS = 20;

const Money = (description: string) =>
  Type.Integer({ minimum: 0, description: `${description}, in minor units of the currency` });

export const AccountParams = Type.Object({ account: Id });
export const OrderParams = Type.Object({ account: Id, order: Id });
export const InvoiceParams = Type.Object({ account: Id, invoice: Id });

// Prices

export const PriceSchema = Type.Object(
  {
    id: Id,
    service_name: Type.String(),
    variant: Type.String({
      description: 'A top-level domain (`ch`) for domain prices, else empty: the price of every product of the service',
    }),
    currency: StringEnum(CURRENCIES),
    period_months: Type.Integer({ minimum: 1, maximum: 120 }),
    amount: Money('The price of the whole period'),
  },
  {
    $id: 'Price',
    title: 'Price',
    examples: [
      { id: 1, service_name: 'domain', variant: 'ch', currency: 'CHF', period_months: 12, amount: 1500 },
      { id: 23, service_name: 'web_hosting', variant: '', currency: 'CHF', period_months: 1, amount: 1000 },
    ],
  },
);

const PriceFilters = {
  service_name: Type.Optional(Type.String({ maxLength: 64 })),
  currency: Type.Optional(StringEnum(CURRENCIES)),
};
export const PricesQuery = Type.Object({
  filter: Type.Optional(Type.Object(PriceFilters, { additionalProperties: false })),
  ...PriceFilters,
  ...ListQuery,
});
export type PricesQueryInput = Static<typeof PricesQuery>;

// Orders

export const OrderItemSchema = Type.Object(
  {
    id: Id,
    service_name: Type.String(),
    customer_name: Type.String(),
    period_months: Type.Integer(),
    amount: Money('The price of the item, VAT excluded'),
    product_id: Nullable(Id),
  },
  { $id: 'OrderItem', title: 'OrderItem' },
);

export const OrderSchema = Type.Object(
  {
    id: Id,
    status: StringEnum(ORDER_STATUSES),
    items: Type.Array(OrderItemSchema),
    invoice_id: Id,
    total: Money('The invoice total, VAT included'),
    currency: StringEnum(CURRENCIES),
    created_at: Timestamp,
    paid_at: Nullable(Timestamp),
  },
  {
    $id: 'Order',
    title: 'Order',
    examples: [
      {
        id: 1,
        status: 'pending',
        invoice_id: 1,
        total: 4865,
        currency: 'CHF',
        created_at: 1795659275,
        paid_at: null,
        items: [
          {
            id: 1,
            service_name: 'domain',
            customer_name: 'my-shop.ch',
            period_months: 36,
            amount: 4500,
            product_id: null,
          },
        ],
      },
    ],
  },
);

export const CreateOrderBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          service_name: Type.String({ minLength: 1, maxLength: 64, description: 'A service of the price list' }),
          customer_name: Type.String({
            minLength: 1,
            maxLength: 255,
            description: "The product's name; for a domain, the domain name (its TLD picks the price)",
          }),
          period_months: Type.Integer({ minimum: 1, maximum: 120 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_ORDER_ITEMS },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        items: [
          { service_name: 'domain', customer_name: 'example.ch', period_months: 36 },
          { service_name: 'web_hosting', customer_name: 'My website', period_months: 12 },
        ],
      },
    ],
  },
);
export type CreateOrderInput = Static<typeof CreateOrderBody>;

const OrderFilters = { status: Type.Optional(StringEnum(ORDER_STATUSES)) };
export const OrdersQuery = Type.Object({
  filter: Type.Optional(Type.Object(OrderFilters, { additionalProperties: false })),
  ...OrderFilters,
  ...ListQuery,
});
export type OrdersQueryInput = Static<typeof OrdersQuery>;

// Invoices

export const InvoiceLineSchema = Type.Object(
  {
    id: Id,
    description: Type.String(),
    service_name: Nullable(Type.String()),
    product_id: Nullable(Id),
    period_months: Nullable(Type.Integer()),
    amount: Money('The line, VAT excluded'),
  },
  { $id: 'InvoiceLine', title: 'InvoiceLine' },
);

export const InvoiceSchema = Type.Object(
  {
    id: Id,
    number: Type.String({ description: 'IKM-<year>-<6 digits>, unique' }),
    kind: StringEnum(['order', 'renewal', 'prepaid']),
    status: StringEnum(INVOICE_STATUSES),
    currency: StringEnum(CURRENCIES),
    subtotal: Money('The sum of the lines'),
    vat_rate: Type.Number({ description: 'VAT in percent (8.1 for CHF, 20 for EUR)' }),
    vat_amount: Money('The VAT'),
    total: Money('Subtotal plus VAT'),
    amount_paid: Money('What succeeded payments have paid of it'),
    amount_due: Money('Total minus amount paid'),
    issued_at: Timestamp,
    due_at: Timestamp,
    paid_at: Nullable(Timestamp),
    lines: Type.Array(InvoiceLineSchema),
    order_id: Nullable(Id),
  },
  {
    $id: 'Invoice',
    title: 'Invoice',
    examples: [
      {
        id: 1,
        number: 'IKM-2026-000001',
        kind: 'order',
        status: 'paid',
        currency: 'CHF',
        subtotal: 4500,
        vat_rate: 8.1,
        vat_amount: 365,
        total: 4865,
        amount_paid: 4865,
        amount_due: 0,
        issued_at: 1795659275,
        due_at: 1798251275,
        paid_at: 1795659400,
        order_id: 1,
        lines: [
          {
            id: 1,
            description: 'domain my-shop.ch, 3 years',
            service_name: 'domain',
            product_id: 1,
            period_months: 36,
            amount: 4500,
          },
        ],
      },
      {
        id: 2,
        number: 'IKM-2026-000002',
        kind: 'renewal',
        status: 'unpaid',
        currency: 'CHF',
        subtotal: 3000,
        vat_rate: 8.1,
        vat_amount: 243,
        total: 3243,
        amount_paid: 0,
        amount_due: 3243,
        issued_at: 1795660000,
        due_at: 1798252000,
        paid_at: null,
        order_id: null,
        lines: [
          {
            id: 2,
            description: 'Renewal of domain my-shop.ch, 2 years',
            service_name: 'domain',
            product_id: 1,
            period_months: 24,
            amount: 3000,
          },
        ],
      },
    ],
  },
);

const InvoiceFilters = {
  status: Type.Optional(StringEnum(INVOICE_STATUSES)),
  due_from: Type.Optional(TimeFilter('Due at or after (Unix seconds)')),
  due_to: Type.Optional(TimeFilter('Due at or before (Unix seconds)')),
};
export const InvoicesQuery = Type.Object({
  filter: Type.Optional(Type.Object(InvoiceFilters, { additionalProperties: false })),
  ...InvoiceFilters,
  ...ListQuery,
});
export type InvoicesQueryInput = Static<typeof InvoicesQuery>;
