import { sql, type Kysely } from 'kysely';

// Organisations in full: their details and addresses, members' flags, tags, teams, products
// with per-user rights, invitations, and the notifications outbox. Times are Unix seconds.
const now = sql`(extract(epoch from now())::bigint)`;

async function organisationDetails(db: Kysely<any>) {
  await db.schema
    .alterTable('accounts')
    .addColumn('legal_entity_type', 'text', (c) =>
      c
        .notNull()
        .defaultTo('individual')
        .check(sql`legal_entity_type IN ('company', 'individual', 'public_body', 'restrict')`),
    )
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('Europe/Zurich'))
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en_GB'))
    .addColumn('language_id', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('website', 'text')
    .addColumn('phone', 'text')
    .addColumn('fax', 'text')
    .addColumn('vat_number', 'text')
    .addColumn('field1', 'text')
    .addColumn('field2', 'text')
    .addColumn('has_2fa_required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_blocked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('blocked_at', 'bigint')
    .addColumn('support_level', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('account_addresses')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('street', 'text', (c) => c.notNull())
    .addColumn('street2', 'text')
    .addColumn('zip', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('country_id', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('professional'))
    .addColumn('for_invoice', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('account_addresses_account').on('account_addresses').column('account_id').execute();

  await db.schema
    .alterTable('account_members')
    .addColumn('has_mailing', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('has_billing_mailing', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
}

async function tagsAndTeams(db: Kysely<any>) {
  await db.schema
    .createTable('tags')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await sql`CREATE UNIQUE INDEX tags_account_name ON tags (account_id, lower(name))`.execute(db);

  await db.schema
    .createTable('teams')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('owned_by_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_by_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('teams_account').on('teams').column('account_id').execute();

  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'integer', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
    .execute();
  await db.schema.createIndex('team_members_user').on('team_members').column('user_id').execute();

  // A team's rights on every product of a service: rights is one of check|sale|statistic|technical.
  await db.schema
    .createTable('team_permissions')
    .addColumn('team_id', 'integer', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('service_id', 'integer', (c) => c.notNull())
    .addColumn('rights', 'text', (c) => c.notNull().check(sql`rights IN ('check', 'sale', 'statistic', 'technical')`))
    .addPrimaryKeyConstraint('team_permissions_pk', ['team_id', 'service_id', 'rights'])
    .execute();
}

async function products(db: Kysely<any>) {
  await db.schema
    .createTable('products')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('service_id', 'integer', (c) => c.notNull())
    .addColumn('service_name', 'text', (c) => c.notNull())
    .addColumn('customer_name', 'text', (c) => c.notNull())
    .addColumn('internal_name', 'text', (c) => c.notNull())
    .addColumn('fqdn', 'text')
    .addColumn('description', 'text')
    .addColumn('parent_id', 'integer', (c) => c.references('products.id').onDelete('set null'))
    .addColumn('admin_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('bill_reference', 'text')
    .addColumn('is_free', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_trial', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_locked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('has_maintenance', 'boolean', (c) => c.notNull().defaultTo(false))
    // What billing and renewal need: allowed renewal periods in months, the price of one
    // month's worth in minor units (a period costs months × price), and the currency.
    .addColumn('renewal_periods', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{12}'`))
    .addColumn('price_per_month', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`price_per_month >= 0`),
    )
    .addColumn('currency', 'text', (c) =>
      c
        .notNull()
        .defaultTo('CHF')
        .check(sql`currency IN ('EUR', 'CHF')`),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('expired_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('products_account').on('products').columns(['account_id', 'service_name']).execute();

  await db.schema
    .createTable('product_rights')
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('technical', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('statistic', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('check', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('sale', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('product_rights_pk', ['product_id', 'user_id'])
    .execute();
  await db.schema.createIndex('product_rights_user').on('product_rights').column('user_id').execute();

  await db.schema
    .createTable('product_tags')
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('product_tags_pk', ['product_id', 'tag_id'])
    .execute();
}

async function invitationsAndOutbox(db: Kysely<any>) {
  await db.schema
    .createTable('invitations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    // The secret in url_accept; stored as SHA-256 like every other secret.
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('language_id', 'integer', (c) => c.notNull())
    .addColumn('role_type', 'text', (c) => c.notNull().check(sql`role_type IN ('owner', 'admin', 'normal')`))
    .addColumn('strict', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('silent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status IN ('pending', 'accepted', 'rejected', 'cancelled')`),
    )
    .addColumn('has_billing', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('has_billing_mailing', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('has_mailing', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('permissions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('team_ids', sql`integer[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('invited_by_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('accepted_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('sent_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('expired_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invitations_account').on('invitations').columns(['account_id', 'status']).execute();
  // One pending invitation per address and organisation; re-inviting re-sends that one.
  await sql`CREATE UNIQUE INDEX invitations_pending_email ON invitations (account_id, lower(email)) WHERE status = 'pending'`.execute(
    db,
  );

  await db.schema
    .createTable('notifications_outbox')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('notifications_outbox_recipient')
    .on('notifications_outbox')
    .columns(['recipient', 'created_at'])
    .execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  await organisationDetails(db);
  await tagsAndTeams(db);
  await products(db);
  await invitationsAndOutbox(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'notifications_outbox',
    'invitations',
    'product_tags',
    'product_rights',
    'products',
    'team_permissions',
    'team_members',
    'teams',
    'tags',
    'account_addresses',
  ]) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema
    .alterTable('account_members')
    .dropColumn('has_mailing')
    .dropColumn('has_billing_mailing')
    .dropColumn('updated_at')
    .execute();
  for (const c of [
    'legal_entity_type',
    'timezone',
    'locale',
    'language_id',
    'website',
    'phone',
    'fax',
    'vat_number',
    'field1',
    'field2',
    'has_2fa_required',
    'is_blocked',
    'blocked_at',
    'support_level',
  ]) {
    await db.schema.alterTable('accounts').dropColumn(c).execute();
  }
}
