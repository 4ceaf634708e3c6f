import type { ColumnType, Generated } from 'kysely';

// Hand-written table types. Timestamps are Unix seconds (bigint columns parsed to numbers).
type Timestamp = number;
type CreatedAt = ColumnType<Timestamp, Timestamp | undefined, never>;

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  login: string;
  /** Version tag of the uploaded avatar (part of its URL); null when there is none. */
  avatar: string | null;
  avatar_image: Buffer | null;
  avatar_mime: string | null;
  is_sso: Generated<boolean>;
  is_staff: Generated<boolean>;
  language_id: Generated<number>;
  locale: Generated<string>;
  country_id: Generated<number>;
  timezone_id: Generated<number>;
  birth_at: string | null;
  current_account_id: number | null;
  reminder_email: string | null;
  reminder_phone: string | null;
  successful_connexion_notification: Generated<boolean>;
  unsuccessful_connexion_notification: Generated<boolean>;
  unsuccessful_connexion_limit: Generated<boolean>;
  unsuccessful_connexion_rate_limit: Generated<number>;
  /** Wrong passwords in a row since the last good one; at the limit, sign-in is refused until `sign_in_locked_until`. */
  failed_sign_ins: Generated<number>;
  sign_in_locked_until: Timestamp | null;
  /** What the user tells support to be recognised (made on first read). */
  support_code: string | null;
  otp: Generated<boolean>;
  last_login_at: Timestamp | null;
  password_changed_at: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type RoleType = 'owner' | 'admin' | 'normal';

export interface AccountsTable {
  id: Generated<number>;
  name: string;
  currency: Generated<'EUR' | 'CHF'>;
  legal_entity_type: Generated<'company' | 'individual' | 'public_body' | 'restrict'>;
  timezone: Generated<string>;
  locale: Generated<string>;
  language_id: Generated<number>;
  website: string | null;
  phone: string | null;
  fax: string | null;
  vat_number: string | null;
  field1: string | null;
  field2: string | null;
  has_2fa_required: Generated<boolean>;
  is_blocked: Generated<boolean>;
  blocked_at: Timestamp | null;
  support_level: Generated<number>;
  /** Premium support runs until then (migration 2026112506). */
  support_premium_until: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AccountAddressesTable {
  id: Generated<number>;
  account_id: number;
  street: string;
  street2: string | null;
  zip: string;
  city: string;
  country_id: number;
  type: Generated<string>;
  for_invoice: Generated<boolean>;
  created_at: CreatedAt;
}

/** Kept by triggers (migration 2026120301): read, never written by the application. */
export interface AccountTotalsTable {
  account_id: number;
  kind: 'members' | 'invoices' | 'prepaid';
  value: number;
}

export interface AccountMembersTable {
  account_id: number;
  user_id: number;
  role_type: RoleType;
  has_billing_access: Generated<boolean>;
  has_mailing: Generated<boolean>;
  has_billing_mailing: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
}

export interface TagsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  color: Generated<number>;
  created_at: CreatedAt;
}

export interface TeamsTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  color_id: Generated<number>;
  owned_by_id: number | null;
  created_by_id: number | null;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
}

export interface TeamMembersTable {
  team_id: number;
  user_id: number;
  created_at: CreatedAt;
}

export type ProductRight = 'check' | 'sale' | 'statistic' | 'technical';

export interface TeamPermissionsTable {
  team_id: number;
  service_id: number;
  rights: ProductRight;
}

export interface ProductsTable {
  id: Generated<number>;
  account_id: number;
  service_id: number;
  service_name: string;
  customer_name: string;
  internal_name: string;
  fqdn: string | null;
  description: string | null;
  parent_id: number | null;
  admin_user_id: number | null;
  version: Generated<number>;
  bill_reference: string | null;
  is_free: Generated<boolean>;
  is_trial: Generated<boolean>;
  is_locked: Generated<boolean>;
  has_maintenance: Generated<boolean>;
  /** Renewal periods allowed, in months. */
  renewal_periods: Generated<number[]>;
  /** Minor units for one month; a period costs months × this. */
  price_per_month: Generated<number>;
  currency: Generated<'EUR' | 'CHF'>;
  created_at: CreatedAt;
  expired_at: Timestamp | null;
  deleted_at: Timestamp | null;
  auto_renewal: Generated<boolean>;
  /** The saved method the renewal run charges (null: none chosen, or it was deleted). */
  auto_renewal_method_id: number | null;
  /** The period the run renews for; null means the product's shortest renewal period. */
  auto_renewal_period_months: number | null;
  /** When the run tries next after a decline (null: as soon as the product is in the window). */
  next_renewal_attempt_at: Timestamp | null;
}

export interface ProductRightsTable {
  product_id: number;
  user_id: number;
  technical: Generated<boolean>;
  statistic: Generated<boolean>;
  check: Generated<boolean>;
  sale: Generated<boolean>;
}

export interface ProductTagsTable {
  product_id: number;
  tag_id: number;
}

export interface InvitationPermission {
  service_id: number;
  product_id?: number | null;
  apply_to_all?: boolean;
  types: ProductRight[];
}

export interface InvitationsTable {
  id: Generated<number>;
  account_id: number;
  key_hash: string;
  /** The key in clear, to rebuild url_accept (see migration 2026112503). */
  key: string | null;
  email: string;
  first_name: string;
  last_name: string;
  locale: string;
  language_id: number;
  role_type: RoleType;
  strict: Generated<boolean>;
  silent: Generated<boolean>;
  status: Generated<'pending' | 'accepted' | 'rejected' | 'cancelled'>;
  has_billing: Generated<boolean>;
  has_billing_mailing: Generated<boolean>;
  has_mailing: Generated<boolean>;
  permissions: ColumnType<InvitationPermission[], string | undefined, string>;
  team_ids: Generated<number[]>;
  invited_by_id: number | null;
  accepted_user_id: number | null;
  sent_at: Generated<Timestamp>;
  created_at: CreatedAt;
  updated_at: Generated<Timestamp>;
  expired_at: Timestamp;
}

export interface NotificationsOutboxTable {
  id: Generated<number>;
  recipient: string;
  user_id: number | null;
  account_id: number | null;
  kind: string;
  subject: string;
  body: string;
  created_at: CreatedAt;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  scopes: string[];
  created_at: CreatedAt;
  expired_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** 'oauth': issued by POST /token (it expires, and belongs to a client and a family). */
  kind: Generated<'api' | 'oauth'>;
  client_id: number | null;
  code_id: number | null;
  family_id: string | null;
}

export interface UserEmailsTable {
  id: Generated<number>;
  user_id: number;
  email: string;
  email_type: 'email' | 'email_request';
  type: 'personal' | 'professional' | 'other';
  reminder: Generated<boolean>;
  checked: Generated<boolean>;
  created_at: CreatedAt;
}

export interface UserPhonesTable {
  id: Generated<number>;
  user_id: number;
  phone: string;
  type: 'personal' | 'professional' | 'other';
  /** "true" or "false": a string, as the official document types it (see migration 2026120501). */
  reminder: Generated<'true' | 'false'>;
  checked: Generated<boolean>;
  created_at: CreatedAt;
}

export interface UserSessionsTable {
  id: Generated<number>;
  user_id: number;
  browser: string;
  device: string;
  location: string;
  ip: string;
  user_agent: string;
  created_at: CreatedAt;
  last_accessed_at: Timestamp;
  /** SHA-256 of the session cookie (null: a session recorded without a browser cookie). */
  token_hash: string | null;
  /** The IP range the sign-in came from (/24 for IPv4, /48 for IPv6). */
  network: string | null;
  expires_at: Timestamp | null;
  ended_at: Timestamp | null;
}

export interface AsyncTasksTable {
  uuid: string;
  user_id: number;
  status: 'spooled' | 'running' | 'executed' | 'failed';
  response: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  executed_at: Timestamp | null;
  finished_at: Timestamp | null;
}

// The status page's events (migration 2026120401).
export type EventLanguage = 'de' | 'en' | 'es' | 'fr' | 'it';
export interface EventTranslation {
  title: string;
  body: string;
  language: EventLanguage;
}
export interface EventComment {
  title: string;
  body: string;
  started_at: Timestamp;
  translations: EventTranslation[];
}
export interface EventsTable {
  id: Generated<number>;
  type: string;
  event_type: 'internal' | 'public' | 'server' | 'streaming';
  status: 'inprogress' | 'planned' | 'reviewed' | 'terminated';
  title: string;
  description: string;
  translations: ColumnType<EventTranslation[], string | undefined, string>;
  comments: ColumnType<EventComment[], string | undefined, string>;
  services: ColumnType<{ id: number; name: string }[], string | undefined, string>;
  is_cyberattack: Generated<boolean>;
  is_auto: Generated<boolean>;
  user_id: number | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  deleted_at: Timestamp | null;
  created_at: CreatedAt;
}

// Billing (migration 2026112504). Amounts are minor units.
export type Currency = 'EUR' | 'CHF';
export type PaymentMethodKind = 'card' | 'postfinance' | 'twint' | 'paypal';
export type PaymentChannel = PaymentMethodKind | 'iban' | 'prepaid';

export interface PricesTable {
  id: Generated<number>;
  service_name: string;
  variant: Generated<string>;
  currency: Currency;
  period_months: number;
  amount: number;
}

export interface PaymentMethodsTable {
  id: Generated<number>;
  account_id: number;
  kind: PaymentMethodKind;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  label: string;
  processor_token: string;
  created_at: CreatedAt;
  deleted_at: Timestamp | null;
}

export interface InvoicesTable {
  id: Generated<number>;
  account_id: number;
  number: string;
  kind: 'order' | 'renewal' | 'prepaid';
  status: Generated<'unpaid' | 'paid' | 'cancelled' | 'proforma'>;
  currency: Currency;
  subtotal: number;
  vat_rate_bp: Generated<number>;
  vat_amount: Generated<number>;
  total: number;
  bank_reference: string | null;
  issued_at: CreatedAt;
  due_at: Timestamp;
  paid_at: Timestamp | null;
  cancelled_at: Timestamp | null;
}

export interface InvoiceLinesTable {
  id: Generated<number>;
  invoice_id: number;
  description: string;
  service_name: string | null;
  product_id: number | null;
  period_months: number | null;
  amount: number;
  /** A renewal line: the product's expiry it renews from (0: the product had none); null on other lines. */
  renews_expired_at: number | null;
}

export interface OrdersTable {
  id: Generated<number>;
  account_id: number;
  status: Generated<'pending' | 'paid' | 'cancelled'>;
  invoice_id: number;
  created_by_id: number | null;
  created_at: CreatedAt;
  paid_at: Timestamp | null;
}

export interface OrderItemsTable {
  id: Generated<number>;
  order_id: number;
  service_name: string;
  customer_name: string;
  period_months: number;
  amount: number;
  product_id: number | null;
}

export interface PaymentsTable {
  id: Generated<number>;
  account_id: number;
  status: 'succeeded' | 'pending' | 'failed';
  method: PaymentChannel;
  payment_method_id: number | null;
  currency: Currency;
  amount: number;
  prepaid_amount: Generated<number>;
  processor_reference: string | null;
  failure_code: string | null;
  created_by_id: number | null;
  created_at: CreatedAt;
}

export interface PaymentInvoicesTable {
  payment_id: number;
  invoice_id: number;
  amount: number;
}

/** Append-only (a trigger refuses UPDATE and DELETE); the prepaid balance is the sum. */
export interface PrepaidLedgerTable {
  id: Generated<number>;
  account_id: number;
  amount: number;
  currency: Currency;
  kind: 'credit' | 'debit' | 'refund';
  payment_id: number | null;
  description: string;
  created_at: CreatedAt;
}

export interface IdempotencyKeysTable {
  account_id: number;
  key: string;
  request_hash: string;
  status: 'in_flight' | 'done';
  response_status: number | null;
  response_body: ColumnType<unknown, string | null, string | null>;
  created_at: CreatedAt;
}

export type RenewalAttemptStatus = 'succeeded' | 'failed' | 'locked';

export interface RenewalAttemptsTable {
  id: Generated<number>;
  account_id: number;
  product_id: number;
  for_expired_at: Timestamp;
  status: RenewalAttemptStatus;
  invoice_id: number | null;
  payment_id: number | null;
  payment_method_id: number | null;
  period_months: number | null;
  amount: number | null;
  currency: Currency;
  failure_code: string | null;
  new_expired_at: Timestamp | null;
  next_attempt_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface MirrorClockTable {
  id: Generated<boolean>;
  offset_seconds: Generated<number>;
}

export interface OAuthClientsTable {
  id: Generated<number>;
  client_id: string;
  user_id: number;
  name: string;
  redirect_uris: string[];
  type: 'public' | 'confidential';
  secret_hash: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface OAuthCodesTable {
  id: Generated<number>;
  code_hash: string;
  client_id: number;
  user_id: number;
  redirect_uri: string;
  scopes: string[];
  code_challenge: string;
  nonce: string | null;
  offline: boolean;
  auth_time: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface OAuthRefreshTokensTable {
  id: Generated<number>;
  token_hash: string;
  family_id: string;
  client_id: number;
  user_id: number;
  scopes: string[];
  created_at: CreatedAt;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AppPasswordsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  password_hash: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  deleted_at: Timestamp | null;
}

export interface MirrorSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export interface ActivityLogsTable {
  id: Generated<number>;
  user_id: number | null;
  account_id: number | null;
  action: string;
  target_type: string | null;
  target_id: number | null;
  product_id: number | null;
  ip: string | null;
  user_agent: string | null;
  created_at: CreatedAt;
}

export type SupportKind = 'mail' | 'kdrive' | 'kchat';

export interface SupportGrantsTable {
  id: Generated<number>;
  user_id: number;
  kind: SupportKind;
  granted_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface Database {
  users: UsersTable;
  accounts: AccountsTable;
  account_members: AccountMembersTable;
  account_totals: AccountTotalsTable;
  api_tokens: ApiTokensTable;
  user_emails: UserEmailsTable;
  user_phones: UserPhonesTable;
  user_sessions: UserSessionsTable;
  async_tasks: AsyncTasksTable;
  account_addresses: AccountAddressesTable;
  tags: TagsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  team_permissions: TeamPermissionsTable;
  products: ProductsTable;
  product_rights: ProductRightsTable;
  product_tags: ProductTagsTable;
  invitations: InvitationsTable;
  notifications_outbox: NotificationsOutboxTable;
  prices: PricesTable;
  payment_methods: PaymentMethodsTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  payments: PaymentsTable;
  payment_invoices: PaymentInvoicesTable;
  prepaid_ledger: PrepaidLedgerTable;
  idempotency_keys: IdempotencyKeysTable;
  renewal_attempts: RenewalAttemptsTable;
  mirror_clock: MirrorClockTable;
  oauth_clients: OAuthClientsTable;
  oauth_codes: OAuthCodesTable;
  oauth_refresh_tokens: OAuthRefreshTokensTable;
  app_passwords: AppPasswordsTable;
  mirror_secrets: MirrorSecretsTable;
  activity_logs: ActivityLogsTable;
  support_grants: SupportGrantsTable;
  events: EventsTable;
}
