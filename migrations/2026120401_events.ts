import { sql, type Kysely } from 'kysely';

// The status page's events (/2/events): incidents, maintenances and enhancements of
// Infomaniak's services. They belong to no organisation; the control plane and the seed write
// them. A translation, a comment and a service are only ever read with their event, so they are
// JSON arrays of its row.

export async function up(db: Kysely<any>): Promise<void> {
  const now = sql`mirror_now()`;
  await db.schema
    .createTable('events')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) =>
      c.notNull().check(sql`event_type IN ('internal', 'public', 'server', 'streaming')`),
    )
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('inprogress', 'planned', 'reviewed', 'terminated')`),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('translations', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('comments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('services', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('is_cyberattack', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_auto', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('events_started').on('events').column('started_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('events').execute();
}
