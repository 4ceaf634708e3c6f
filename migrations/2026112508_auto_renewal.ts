import { sql, type Kysely } from 'kysely';

// Auto-renewal and the movable clock.
//
// The clock: tests move the mirror's time through the control plane. The offset lives in the
// database so every instance on it reads the same time, and `mirror_now()` replaces now() in
// every column default, so rows the database stamps by itself agree with the application.
//
// Auto-renewal: per product, whether it is on, with which saved method, for which period, and
// when the renewal run next tries it. Each try is a row of `renewal_attempts`; a partial unique
// index makes a second successful renewal of the same expiry impossible, whatever the run does.

const DEFAULT_NOW = '(EXTRACT(epoch FROM now()))::bigint';

async function clock(db: Kysely<any>) {
  await db.schema
    .createTable('mirror_clock')
    .addColumn('id', 'boolean', (c) =>
      c
        .primaryKey()
        .defaultTo(true)
        .check(sql`id`),
    )
    .addColumn('offset_seconds', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.insertInto('mirror_clock').values({ id: true, offset_seconds: 0 }).execute();
  await sql`CREATE FUNCTION mirror_now() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT (EXTRACT(epoch FROM now()))::bigint + COALESCE((SELECT offset_seconds FROM mirror_clock WHERE id), 0)
  $$`.execute(db);
  await retarget(db, DEFAULT_NOW, 'mirror_now()');
}

/** Every column whose default is `from` gets `to` instead. */
async function retarget(db: Kysely<any>, from: string, to: string) {
  const { rows } = await sql<{ table_name: string; column_name: string; column_default: string }>`
    SELECT table_name, column_name, column_default FROM information_schema.columns
    WHERE table_schema = current_schema() AND column_default IS NOT NULL`.execute(db);
  const normalise = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  for (const r of rows) {
    if (normalise(r.column_default) !== normalise(from)) continue;
    await sql`ALTER TABLE ${sql.table(r.table_name)} ALTER COLUMN ${sql.ref(r.column_name)} SET DEFAULT ${sql.raw(to)}`.execute(
      db,
    );
  }
}

async function autoRenewal(db: Kysely<any>) {
  await db.schema
    .alterTable('products')
    .addColumn('auto_renewal', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('auto_renewal_method_id', 'integer', (c) => c.references('payment_methods.id').onDelete('set null'))
    .addColumn('auto_renewal_period_months', 'integer')
    .addColumn('next_renewal_attempt_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('products_auto_renewal_due')
    .on('products')
    .columns(['expired_at'])
    .where(sql.ref('auto_renewal'), '=', true)
    .execute();

  await db.schema
    .createTable('renewal_attempts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    // The expiry this attempt renews: one period of a product is renewed at most once.
    .addColumn('for_expired_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('succeeded', 'failed', 'locked')`))
    .addColumn('invoice_id', 'integer', (c) => c.references('invoices.id'))
    .addColumn('payment_id', 'integer', (c) => c.references('payments.id'))
    .addColumn('payment_method_id', 'integer', (c) => c.references('payment_methods.id'))
    .addColumn('period_months', 'integer')
    .addColumn('amount', 'bigint')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('failure_code', 'text')
    .addColumn('new_expired_at', 'bigint')
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(sql`mirror_now()`))
    .execute();
  await db.schema
    .createIndex('renewal_attempts_account')
    .on('renewal_attempts')
    .columns(['account_id', 'id'])
    .execute();
  await db.schema
    .createIndex('renewal_attempts_one_success')
    .on('renewal_attempts')
    .columns(['product_id', 'for_expired_at'])
    .unique()
    .where(sql.ref('status'), '=', 'succeeded')
    .execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  await clock(db);
  await autoRenewal(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('renewal_attempts').execute();
  await db.schema
    .alterTable('products')
    .dropColumn('auto_renewal')
    .dropColumn('auto_renewal_method_id')
    .dropColumn('auto_renewal_period_months')
    .dropColumn('next_renewal_attempt_at')
    .execute();
  await retarget(db, 'mirror_now()', DEFAULT_NOW);
  await sql`DROP FUNCTION mirror_now()`.execute(db);
  await db.schema.dropTable('mirror_clock').execute();
}
