import { sql, type Kysely } from 'kysely';

// Foundation schema: users and their profile, organisations with their members, API tokens,
// profile emails/phones/sessions and asynchronous tasks. Times are Unix seconds (bigint).
const now = sql`(extract(epoch from now())::bigint)`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('login', 'text', (c) => c.notNull())
    .addColumn('avatar', 'text')
    .addColumn('avatar_image', 'bytea')
    .addColumn('avatar_mime', 'text')
    .addColumn('is_sso', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_staff', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('language_id', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en_GB'))
    .addColumn('country_id', 'integer', (c) => c.notNull().defaultTo(203))
    .addColumn('timezone_id', 'integer', (c) => c.notNull().defaultTo(414))
    .addColumn('birth_at', 'text')
    .addColumn('current_account_id', 'integer')
    .addColumn('reminder_email', 'text')
    .addColumn('reminder_phone', 'text')
    .addColumn('successful_connexion_notification', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('unsuccessful_connexion_notification', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('unsuccessful_connexion_limit', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('unsuccessful_connexion_rate_limit', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('otp', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('last_login_at', 'bigint')
    .addColumn('password_changed_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await sql`CREATE UNIQUE INDEX users_email_unique ON users (lower(email))`.execute(db);
  await sql`CREATE UNIQUE INDEX users_login_unique ON users (login)`.execute(db);

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) =>
      c
        .notNull()
        .defaultTo('CHF')
        .check(sql`currency IN ('EUR', 'CHF')`),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('account_members')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_type', 'text', (c) => c.notNull().check(sql`role_type IN ('owner', 'admin', 'normal')`))
    .addColumn('has_billing_access', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('account_members_pk', ['account_id', 'user_id'])
    .execute();
  await db.schema.createIndex('account_members_user').on('account_members').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('expired_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

  await db.schema
    .createTable('user_emails')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_type', 'text', (c) => c.notNull().check(sql`email_type IN ('email', 'email_request')`))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type IN ('personal', 'professional', 'other')`))
    .addColumn('reminder', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('checked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('user_emails_user').on('user_emails').column('user_id').execute();

  await db.schema
    .createTable('user_phones')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type IN ('personal', 'professional', 'other')`))
    .addColumn('reminder', 'text')
    .addColumn('checked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('user_phones_user').on('user_phones').column('user_id').execute();

  await db.schema
    .createTable('user_sessions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('browser', 'text', (c) => c.notNull())
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('last_accessed_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('user_sessions_user').on('user_sessions').column('user_id').execute();

  await db.schema
    .createTable('async_tasks')
    .addColumn('uuid', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('spooled', 'running', 'executed', 'failed')`))
    .addColumn('response', 'jsonb')
    .addColumn('error', 'jsonb')
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('executed_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('async_tasks_user').on('async_tasks').columns(['user_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'async_tasks',
    'user_sessions',
    'user_phones',
    'user_emails',
    'api_tokens',
    'account_members',
    'accounts',
    'users',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
