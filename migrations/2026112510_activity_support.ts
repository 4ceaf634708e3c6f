import { sql, type Kysely } from 'kysely';

// The activity log (who did what, where, from which address) and support access grants.

const now = sql`mirror_now()`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('activity_logs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    // The actor; null for what the mirror did by itself (the renewal run).
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('account_id', 'integer', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'integer')
    .addColumn('product_id', 'integer')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('activity_logs_account').on('activity_logs').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('activity_logs_user').on('activity_logs').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('support_grants')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('mail', 'kdrive', 'kchat')`))
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('support_grants_user').on('support_grants').columns(['user_id', 'kind', 'id']).execute();
  await db.schema
    .createIndex('support_grants_open')
    .on('support_grants')
    .column('expires_at')
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();

  await db.schema
    .alterTable('users')
    .addColumn('support_code', 'text', (c) => c.unique())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('support_code').execute();
  await db.schema.dropTable('support_grants').execute();
  await db.schema.dropTable('activity_logs').execute();
}
