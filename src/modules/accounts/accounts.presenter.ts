import { nowSeconds } from '../../shared/time.js';
import type { Static } from 'typebox';
import { countries, languages } from '../reference/index.js';
import { atLeast } from './access.js';
import type { AccountRow, AddressRow, TagRow } from './accounts.repository.js';
import type { AccountSchema } from './accounts.schemas.js';

export type Account = Static<typeof AccountSchema>;

const presentAddress = (a: AddressRow) => ({
  id: a.id,
  street: a.street,
  street2: a.street2,
  zip: a.zip,
  city: a.city,
  type: a.type,
  created_at: a.created_at,
  country: countries.get(a.country_id),
  for_invoice: a.for_invoice,
});

export const presentTag = (t: TagRow) => ({
  id: t.id,
  name: t.name,
  color: t.color,
  product_count: t.product_count,
});

/**
 * The upstream account object as the caller sees it: `type` is their role, `billing` whether
 * they may see the billing, `mailing`/`billing_mailing` their own notification flags. Features
 * the mirror does not have (logos, orders, partners, kSuite, SSO) answer their empty values.
 */
export function presentAccount(a: AccountRow): Account {
  return { ...accountDetails(a), ...callerView(a) };
}

/** The organisation's own details, the same for every caller (the first half of the object). */
function accountDetails(a: AccountRow) {
  return {
    id: a.id,
    name: a.name,
    legal_entity_type: a.legal_entity_type,
    created_at: a.created_at,
    addresses: a.addresses.map(presentAddress),
    timezone: a.timezone,
    website: a.website,
    phone: a.phone,
    fax: a.fax,
    language: languages.get(a.language_id).short_locale,
    locale: a.locale,
    language_id: a.language_id,
    logo: null,
    logo_square: null,
    order: { waiting_payment: 0, in_process: 0, blocked_order_id: [] },
    beta: false,
    support_level: a.support_level,
    has_2fa_required: a.has_2fa_required,
  };
}

/** The caller's role and flags in the organisation, and what follows them (the second half of the object). */
function callerView(a: AccountRow) {
  const fullAccess = atLeast(a.role_type, 'admin');
  return {
    type: a.role_type,
    billing: fullAccess || a.has_billing_access,
    mailing: a.has_mailing,
    billing_mailing: a.has_billing_mailing,
    workspace_only: false,
    no_access: false,
    is_blocked: a.is_blocked,
    blocked_at: a.blocked_at,
    vat_number: a.vat_number,
    field1: a.field1,
    field2: a.field2,
    tags: a.tags.map(presentTag),
    services_already_demo: [],
    customization_url: null,
    nb_invitations: a.nb_invitations,
    nb_users: a.nb_users,
    count_owners: a.count_owners,
    is_customer: a.is_customer,
    is_sso: false,
    has_full_access: fullAccess,
    has_customer_paiement_method: false,
    partner_id: null,
    in_partnership_full_access: false,
    in_partnership_limited: false,
    // Upstream documents an object here without its fields: ik-mirror's say whether premium
    // support is running and until when it was paid for.
    support_premium: {
      is_active: a.support_premium_until !== null && a.support_premium_until > nowSeconds(),
      expired_at: a.support_premium_until,
    },
    is_user_has_ksuite_access: false,
    is_user_email_account_mailbox_exist: false,
    ksuite_id: null,
    my_ksuite: null,
    currency: a.currency,
  };
}

/** Several accounts with their addresses and tags, loaded once for all of them. */
