import { Type, type Static } from 'typebox';
import type { ProductRight } from '../../db/types.js';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';
import { WithQuery } from '../../shared/with.js';
import { SERVICE_IDS, SERVICE_NAMES } from './services.js';

// Expiry windows of the `expirations` filter. Upstream documents the filter as free strings;
// these are the windows its manager offers ("expired", "in less than 30/60/90 days", later).
export const EXPIRATIONS = [
  'expired',
  'less_than_30_days',
  'less_than_60_days',
  'less_than_90_days',
  'more_than_90_days',
] as const;
export type Expiration = (typeof EXPIRATIONS)[number];

/**
 * Relations `with` accepts. tags/users/admin/fqdn are always loaded (as upstream returns them;
 * clients still ask for `with=fqdn`); `account` adds the organisation.
 */
export const PRODUCT_RELATIONS = ['account', 'admin', 'fqdn', 'tags', 'users'] as const;
export type ProductRelation = (typeof PRODUCT_RELATIONS)[number];

// Product rights as upstream's invitations and members carry them: per service, either one
// product or every product of that service (`apply_to_all`), with the kinds of right.
export const PRODUCT_RIGHTS = ['technical', 'statistic', 'check', 'sale'] as const satisfies readonly ProductRight[];

export const PermissionSchema = Type.Object(
  {
    service_id: Id,
    product_id: Type.Optional(Nullable(Id)),
    apply_to_all: Type.Optional(Type.Boolean()),
    types: Type.Array(StringEnum(PRODUCT_RIGHTS), { uniqueItems: true }),
  },
  { additionalProperties: false, $id: 'ProductPermission', title: 'ProductPermission' },
);
export type Permission = Static<typeof PermissionSchema>;

const ServiceId = Type.Unsafe<number>({
  type: 'integer',
  enum: [...SERVICE_IDS],
  description: 'Identifier of the service',
});
const ServiceName = StringEnum(SERVICE_NAMES, { description: 'Name of the service' });
const Text = Type.String({ minLength: 1, maxLength: 255 });

const RightsSchema = Type.Object(
  { technical: Type.Boolean(), statistic: Type.Boolean(), check: Type.Boolean(), sale: Type.Boolean() },
  { $id: 'Right', title: 'ProductRights' },
);

export const ProductTagSchema = Type.Object(
  { id: Id, name: Type.String(), color: Type.Integer(), product_count: Type.Integer() },
  { $id: 'ProductTag', title: 'ProductTag' },
);

export const ProductSchema = Type.Object(
  {
    id: Id,
    account_id: Id,
    service_id: Type.Integer(),
    service_name: Type.String(),
    customer_name: Type.String(),
    internal_name: Type.String(),
    created_at: Timestamp,
    expired_at: Nullable(Timestamp),
    deleted_at: Nullable(Timestamp),
    version: Type.Integer(),
    has_maintenance: Type.Boolean(),
    is_locked: Type.Boolean(),
    has_operation_in_progress: Type.Boolean(),
    tags: Type.Array(ProductTagSchema),
    unique_id: Type.Integer(),
    description: Nullable(Type.String()),
    bill_reference: Nullable(Type.String()),
    is_free: Type.Boolean(),
    is_zero_price: Type.Boolean(),
    is_trial: Type.Boolean(),
    rights: RightsSchema,
    parent_id: Nullable(Type.Integer()),
    parent_service_id: Nullable(Type.Integer()),
    parent_service_name: Nullable(Type.String()),
    status: Type.Object(
      {
        maintenance: Type.Object({ technical: Type.Boolean(), superuser: Type.Boolean(), infomaniak: Type.Boolean() }),
        locked: Type.Object({ superuser: Type.Boolean(), infomaniak: Type.Boolean() }),
        activated_by: Type.Array(Type.Integer()),
        activated_at: Nullable(Timestamp),
      },
      { $id: 'Productstatus', title: 'ProductStatus' },
    ),
    users: Type.Array(
      Type.Object(
        { user_id: Id, rights: RightsSchema },
        { $id: 'ProductUser', title: 'ProductUser', description: 'Members holding explicit rights on the product' },
      ),
    ),
    admin: Nullable(
      Type.Object(
        { user_id: Id, email: Type.String(), display_name: Type.String() },
        { $id: 'ProductAdminUser', title: 'ProductAdminUser' },
      ),
    ),
    fqdn: Nullable(Type.String()),
    is_managed_by_partner: Type.Boolean(),
    flags: Type.Array(Type.String()),
    renew_preferences: Type.Array(Type.String()),
    is_transferable: Type.Boolean(),
    // ik-mirror's own: what billing and renewal work from.
    renewal_periods: Type.Array(Type.Integer(), { description: 'Renewal periods allowed, in months' }),
    price_per_month: Type.Integer({ description: 'Price of one month in minor units of the currency' }),
    currency: StringEnum(['EUR', 'CHF']),
    account: Type.Optional(Type.Object({ id: Id, name: Type.String() }, { description: 'With `with=account`' })),
  },
  { $id: 'Product', title: 'Product' },
);
export type Product = Static<typeof ProductSchema>;

export const ProductsQuery = Type.Object({
  with: WithQuery,
  account_id: Type.Optional(Id),
  customer_name: Type.Optional(Text),
  fqdn: Type.Optional(Text),
  internal_name: Type.Optional(Text),
  product_id: Type.Optional(Id),
  service_id: Type.Optional(ServiceId),
  service_name: Type.Optional(ServiceName),
  ...ListQuery,
});
export type ProductsQueryInput = Static<typeof ProductsQuery>;

const FilterFields = {
  customer_name: Type.Optional(Text),
  internal_name: Type.Optional(Text),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Customer or internal name' })),
  service_id: Type.Optional(ServiceId),
  service_ids: Type.Optional(Type.Array(ServiceId, { maxItems: 100 })),
  excluded_service_ids: Type.Optional(Type.Array(ServiceId, { maxItems: 100 })),
  service_names: Type.Optional(Type.Array(ServiceName, { maxItems: 100 })),
  expirations: Type.Optional(Type.Array(StringEnum(EXPIRATIONS), { maxItems: 10 })),
  tags: Type.Optional(Type.Array(Id, { maxItems: 100, description: 'Tag ids; a product with any of them matches' })),
};
const FilterObject = Type.Object(FilterFields);
export type ProductFilter = Static<typeof FilterObject>;

/** The account lists take their filters as `filter[x]` (upstream) or as plain `x`. */
export const AccountProductsQuery = Type.Object({
  with: WithQuery,
  filter: Type.Optional(FilterObject),
  ...FilterFields,
  ...ListQuery,
});
export type AccountProductsQueryInput = Static<typeof AccountProductsQuery>;

export const AccountParams = Type.Object({ account_id: Id });
