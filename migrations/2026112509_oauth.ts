import { sql, type Kysely } from 'kysely';

// OAuth2 and sign-in: registered clients, authorization codes, refresh tokens (rotated, in
// families), browser sessions behind a cookie, application passwords, the per-account wrong
// password counter, and the server's own secrets (CSRF key, ID token signing key).
// OAuth access tokens are rows of api_tokens (kind 'oauth'), so they authenticate exactly as
// API tokens do.

const now = sql`mirror_now()`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oauth_clients')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', sql`text[]`, (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type IN ('public', 'confidential')`))
    .addColumn('secret_hash', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('oauth_clients_user').on('oauth_clients').column('user_id').execute();

  await db.schema
    .alterTable('user_sessions')
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('network', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .execute();

  await db.schema
    .createTable('oauth_codes')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'integer', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text')
    .addColumn('offline', 'boolean', (c) => c.notNull())
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .alterTable('api_tokens')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('api')
        .check(sql`kind IN ('api', 'oauth')`),
    )
    .addColumn('client_id', 'integer', (c) => c.references('oauth_clients.id').onDelete('cascade'))
    .addColumn('code_id', 'integer', (c) => c.references('oauth_codes.id').onDelete('set null'))
    .addColumn('family_id', 'text')
    .execute();
  await db.schema.createIndex('api_tokens_family').on('api_tokens').column('family_id').execute();

  await db.schema
    .createTable('oauth_refresh_tokens')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // Every refresh token descending from one authorization shares its family: reusing a spent
    // one revokes them all, and their access tokens (RFC 9700 §4.14.2).
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'integer', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('oauth_refresh_family').on('oauth_refresh_tokens').column('family_id').execute();

  await db.schema
    .createTable('app_passwords')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('last_used_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('app_passwords_user').on('app_passwords').column('user_id').execute();

  await db.schema
    .alterTable('users')
    .addColumn('failed_sign_ins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sign_in_locked_until', 'bigint')
    .execute();

  // The security e-mail about a sign-in from a new place is sent unless the user turns it off
  // (help article "e-mail de sécurité"): on by default from now on.
  await db.schema
    .alterTable('users')
    .alterColumn('successful_connexion_notification', (c) => c.setDefault(true))
    .execute();

  await db.schema
    .createTable('mirror_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mirror_secrets').execute();
  await db.schema
    .alterTable('users')
    .alterColumn('successful_connexion_notification', (c) => c.setDefault(false))
    .execute();
  await db.schema.alterTable('users').dropColumn('failed_sign_ins').dropColumn('sign_in_locked_until').execute();
  await db.schema.dropTable('app_passwords').execute();
  await db.schema.dropTable('oauth_refresh_tokens').execute();
  await db.schema
    .alterTable('api_tokens')
    .dropColumn('kind')
    .dropColumn('client_id')
    .dropColumn('code_id')
    .dropColumn('family_id')
    .execute();
  await db.schema.dropTable('oauth_codes').execute();
  await db.schema
    .alterTable('user_sessions')
    .dropColumn('token_hash')
    .dropColumn('network')
    .dropColumn('expires_at')
    .dropColumn('ended_at')
    .execute();
  await db.schema.dropTable('oauth_clients').execute();
}
