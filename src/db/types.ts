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
  otp: Generated<boolean>;
  last_login_at: Timestamp | null;
  password_changed_at: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AccountsTable {
  id: Generated<number>;
  name: string;
  currency: Generated<string>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AccountMembersTable {
  account_id: number;
  user_id: number;
  role_type: 'owner' | 'admin' | 'normal';
  has_billing_access: Generated<boolean>;
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
  reminder: string | null;
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

export interface Database {
  users: UsersTable;
  accounts: AccountsTable;
  account_members: AccountMembersTable;
  api_tokens: ApiTokensTable;
  user_emails: UserEmailsTable;
  user_phones: UserPhonesTable;
  user_sessions: UserSessionsTable;
  async_tasks: AsyncTasksTable;
}
