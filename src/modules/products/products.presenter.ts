import type { ProductRight } from '../../db/types.js';
import { displayName } from '../../shared/user-summary.js';
import type { ProductRow, TagRow, UserRightsRow } from './products.repository.js';
import type { Product, ProductRelation } from './products.schemas.js';

type Rights = Record<ProductRight, boolean>;
const ALL_RIGHTS: Rights = { technical: true, statistic: true, check: true, sale: true };

/** Owners and administrators hold every right on every product; a normal member their own row's. */
function callerRights(row: ProductRow): Rights {
  if (row.caller_role !== 'normal') return { ...ALL_RIGHTS };
  return {
    technical: row.r_technical === true,
    statistic: row.r_statistic === true,
    check: row.r_check === true,
    sale: row.r_sale === true,
  };
}

const rightsOf = (r: UserRightsRow): Rights => ({
  technical: r.technical,
  statistic: r.statistic,
  check: r.check,
  sale: r.sale,
});

const presentTag = (t: TagRow) => ({
  id: t.id,
  name: t.name,
  color: t.color,
  product_count: Number(t.product_count),
});

const statusOf = (row: ProductRow): Product['status'] => ({
  maintenance: { technical: row.has_maintenance, superuser: false, infomaniak: false },
  locked: { superuser: row.is_locked, infomaniak: false },
  activated_by: [],
  activated_at: row.created_at,
});

/** The product as upstream shows it, from its row (which carries its tags, users and admin). */
export function presentProduct(row: ProductRow, wanted: ReadonlySet<ProductRelation>): Product {
  const admin = row.admin;
  const product: Product = {
    id: row.id,
    account_id: row.account_id,
    service_id: row.service_id,
    service_name: row.service_name,
    customer_name: row.customer_name,
    internal_name: row.internal_name,
    created_at: row.created_at,
    expired_at: row.expired_at,
    deleted_at: row.deleted_at,
    version: row.version,
    has_maintenance: row.has_maintenance,
    is_locked: row.is_locked,
    has_operation_in_progress: false,
    tags: row.tags.map(presentTag),
    unique_id: row.id,
    description: row.description,
    bill_reference: row.bill_reference,
    is_free: row.is_free,
    is_zero_price: Number(row.price_per_month) === 0,
    is_trial: row.is_trial,
    rights: callerRights(row),
    parent_id: row.parent_id,
    parent_service_id: row.parent_service_id ?? null,
    parent_service_name: row.parent_service_name ?? null,
    status: statusOf(row),
    users: row.user_rights.map((u) => ({ user_id: u.user_id, rights: rightsOf(u) })),
    admin: admin ? { user_id: admin.id, email: admin.email, display_name: displayName(admin) } : null,
    fqdn: row.fqdn,
    is_managed_by_partner: false,
    flags: [],
    renew_preferences: [],
    // A sub-product moves with its parent; a locked one (unpaid, disputed) cannot move.
    is_transferable: row.parent_id === null && !row.is_locked,
    renewal_periods: row.renewal_periods,
    price_per_month: Number(row.price_per_month),
    currency: row.currency,
  };
  if (wanted.has('account')) product.account = { id: row.account_id, name: row.account_name };
  return product;
}
