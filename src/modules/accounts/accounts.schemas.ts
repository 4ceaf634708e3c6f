import { Type } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';
import { WithQuery } from '../../shared/with.js';
import { CountrySchema } from '../reference/index.js';

export const CURRENCIES = ['EUR', 'CHF'] as const;
export const LEGAL_ENTITY_TYPES = ['company', 'individual', 'public_body', 'restrict'] as const;
export const ADDRESS_TYPES = ['professional', 'personal'] as const;

export const AddressSchema = Type.Object(
  {
    id: Id,
    street: Type.String(),
    street2: Nullable(Type.String()),
    zip: Type.String(),
    city: Type.String(),
    type: Type.String(),
    created_at: Timestamp,
    country: CountrySchema,
    for_invoice: Type.Boolean(),
  },
  { $id: 'Accountaddress', title: 'AccountAddress' },
);

export const AccountTagSchema = Type.Object(
  { id: Id, name: Type.String(), color: Type.Integer(), product_count: Type.Integer() },
  { $id: 'Tag', title: 'AccountTag' },
);

export const AccountSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    legal_entity_type: StringEnum(LEGAL_ENTITY_TYPES),
    created_at: Timestamp,
    addresses: Type.Array(AddressSchema),
    timezone: Type.String(),
    website: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    fax: Nullable(Type.String()),
    language: Type.String({ description: 'Short locale of the organisation\'s language, e.g. "en"' }),
    locale: Type.String(),
    language_id: Id,
    logo: Nullable(Type.String()),
    logo_square: Nullable(Type.String()),
    order: Type.Object({
      waiting_payment: Type.Integer(),
      in_process: Type.Integer(),
      blocked_order_id: Type.Array(Type.Integer()),
    }),
    beta: Type.Boolean(),
    support_level: Type.Integer(),
    has_2fa_required: Type.Boolean(),
    type: StringEnum(['owner', 'admin', 'normal'], { description: "The caller's role in this organisation" }),
    billing: Type.Boolean({ description: 'The caller may see the billing' }),
    mailing: Type.Boolean(),
    billing_mailing: Type.Boolean(),
    workspace_only: Type.Boolean(),
    no_access: Type.Boolean(),
    is_blocked: Type.Boolean(),
    blocked_at: Nullable(Timestamp),
    vat_number: Nullable(Type.String()),
    field1: Nullable(Type.String()),
    field2: Nullable(Type.String()),
    tags: Type.Array(AccountTagSchema),
    services_already_demo: Type.Array(Type.String()),
    customization_url: Nullable(Type.Object({}, { additionalProperties: true })),
    nb_invitations: Type.Integer({ description: 'Pending invitations' }),
    nb_users: Type.Integer(),
    count_owners: Type.Integer(),
    is_customer: Type.Boolean({ description: 'The organisation holds at least one product' }),
    is_sso: Type.Boolean(),
    has_full_access: Type.Boolean(),
    has_customer_paiement_method: Type.Boolean(),
    partner_id: Nullable(Id),
    in_partnership_full_access: Type.Boolean(),
    in_partnership_limited: Type.Boolean(),
    support_premium: Type.Object(
      {
        is_active: Type.Boolean({ description: 'Premium support is running (ordered as support_premium)' }),
        expired_at: Nullable(Timestamp),
      },
      { description: 'An object, as in the official Account schema' },
    ),
    is_user_has_ksuite_access: Type.Boolean(),
    is_user_email_account_mailbox_exist: Type.Boolean(),
    ksuite_id: Nullable(Id),
    my_ksuite: Nullable(Type.Object({}, { additionalProperties: true })),
    currency: StringEnum(CURRENCIES, { description: 'The currency the organisation is billed in' }),
  },
  { $id: 'Account', title: 'Account' },
);

export const AccountParams = Type.Object({ account_id: Id });
export const AccountQuery = Type.Object({ with: WithQuery });
export const ListAccountsQuery = Type.Object({ ...ListQuery, with: WithQuery });

const Text = (max: number) => Nullable(Type.String({ maxLength: max }));

export const AddressInput = Type.Object(
  {
    street: Type.String({ minLength: 1, maxLength: 255 }),
    street2: Type.Optional(Text(255)),
    zip: Type.String({ minLength: 1, maxLength: 32 }),
    city: Type.String({ minLength: 1, maxLength: 128 }),
    country_id: Id,
    type: Type.Optional(StringEnum(ADDRESS_TYPES)),
    for_invoice: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PatchAccountBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    legal_entity_type: Type.Optional(StringEnum(LEGAL_ENTITY_TYPES)),
    addresses: Type.Optional(Type.Array(AddressInput, { maxItems: 20, description: 'Replaces the whole list' })),
    timezone: Type.Optional(Type.String({ maxLength: 64, description: 'An IANA name from /1/timezones' })),
    locale: Type.Optional(Type.String({ maxLength: 8 })),
    vat_number: Type.Optional(Text(64)),
    website: Type.Optional(Text(255)),
    phone: Type.Optional(Text(32)),
    fax: Type.Optional(Text(32)),
    field1: Type.Optional(Text(255)),
    field2: Type.Optional(Text(255)),
    has_2fa_required: Type.Optional(Type.Boolean()),
    currency: Type.Optional(StringEnum(CURRENCIES)),
  },
  { additionalProperties: false },
);

export const ServiceCountSchema = Type.Object(
  { id: Id, name: Type.String(), count: Type.Integer() },
  { $id: 'Service', title: 'AccountService' },
);

export const BasicTeamSchema = Type.Object(
  { id: Id, name: Type.String(), color_id: Type.Integer(), user_count: Type.Integer() },
  { $id: 'BasicTeam', title: 'BasicTeam' },
);

export const TagProductSchema = Type.Object(
  { item_id: Id, service_id: Id, name: Type.String() },
  { $id: 'TagProduct', title: 'TagProduct' },
);
export const TagWithProductsSchema = Type.Object(
  {
    ...AccountTagSchema.properties,
    products: Type.Optional(Type.Array(TagProductSchema, { description: 'with=products' })),
  },
  { $id: 'AccountTagWithProducts', title: 'AccountTagWithProducts' },
);
export const TagsQuery = Type.Object({
  with: WithQuery,
  order_by: ListQuery.order_by,
  order: ListQuery.order,
  order_for: ListQuery.order_for,
});
export const TagParams = Type.Object({ account_id: Id, tag_id: Id });
const TagName = Type.String({ minLength: 1, maxLength: 64 });
const TagColor = Type.Integer({ minimum: 0, maximum: 99, description: 'Index in the colour palette' });
export const CreateTagBody = Type.Object(
  { name: TagName, color: Type.Optional(TagColor) },
  { additionalProperties: false },
);
export const UpdateTagBody = Type.Object(
  { name: Type.Optional(TagName), color: Type.Optional(TagColor) },
  { additionalProperties: false },
);
