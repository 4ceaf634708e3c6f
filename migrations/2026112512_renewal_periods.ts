import { sql, type Kysely } from 'kysely';

// A product is renewed at most once per period. Each line of a renewal invoice records the
// product's expiry it renews from (`renews_expired_at`; 0 for a product that had none, its
// period then starting when paid), and one renewal line per product and expiry may exist: a
// second renewal invoice for the same period (a hand renewal beside the renewal run's, or two
// hand renewals) cannot be written. Paying a line extends the product only while its expiry is
// still the one the line renews. Lines written before this migration keep NULL and are not
// constrained.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invoice_lines').addColumn('renews_expired_at', 'bigint').execute();
  await sql`CREATE UNIQUE INDEX invoice_lines_one_renewal_per_period ON invoice_lines (product_id, renews_expired_at)
    WHERE renews_expired_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX invoice_lines_one_renewal_per_period`.execute(db);
  await db.schema.alterTable('invoice_lines').dropColumn('renews_expired_at').execute();
}
