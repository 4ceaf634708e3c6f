import type { Kysely } from 'kysely';

// Premium support is ordered like a product but is a state of the organisation: it runs until
// this time (Unix seconds), extended by every paid order of it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('support_premium_until', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('support_premium_until').execute();
}
