import { sql, type Kysely } from 'kysely';

// Billing: the price list, saved payment methods, orders and invoices with their lines,
// payments (and which invoices each paid), the prepaid account's append-only ledger, and
// idempotency keys. Money is integer minor units (bigint) beside an ISO currency.
const now = sql`(extract(epoch from now())::bigint)`;
const currency = (c: any) => c.notNull().check(sql`currency IN ('EUR', 'CHF')`);

async function pricesAndMethods(db: Kysely<any>) {
  await db.schema
    .createTable('prices')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('service_name', 'text', (c) => c.notNull())
    // '' for every product of the service; a top-level domain ('ch') for domain prices.
    .addColumn('variant', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('currency', 'text', currency)
    .addColumn('period_months', 'integer', (c) => c.notNull().check(sql`period_months BETWEEN 1 AND 120`))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .addUniqueConstraint('prices_unique', ['service_name', 'variant', 'currency', 'period_months'])
    .execute();

  await db.schema
    .createTable('payment_methods')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('card', 'postfinance', 'twint', 'paypal')`))
    .addColumn('brand', 'text')
    .addColumn('last4', 'text')
    .addColumn('exp_month', 'integer')
    .addColumn('exp_year', 'integer')
    .addColumn('label', 'text', (c) => c.notNull())
    // The simulated processor's behaviour for this method (see docs/billing.md).
    .addColumn('processor_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('payment_methods_account').on('payment_methods').column('account_id').execute();
}

async function ordersAndInvoices(db: Kysely<any>) {
  await db.schema
    .createTable('invoices')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('order', 'renewal', 'prepaid')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('unpaid')
        .check(sql`status IN ('unpaid', 'paid', 'cancelled', 'proforma')`),
    )
    .addColumn('currency', 'text', currency)
    .addColumn('subtotal', 'bigint', (c) => c.notNull().check(sql`subtotal >= 0`))
    // VAT rate in basis points (810 = 8.1 %).
    .addColumn('vat_rate_bp', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vat_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'bigint', (c) => c.notNull().check(sql`total >= 0`))
    .addColumn('bank_reference', 'text')
    .addColumn('issued_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('cancelled_at', 'bigint')
    .execute();
  await db.schema.createIndex('invoices_account').on('invoices').columns(['account_id', 'status', 'due_at']).execute();

  await db.schema
    .createTable('invoice_lines')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('invoice_id', 'integer', (c) => c.notNull().references('invoices.id').onDelete('cascade'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('service_name', 'text')
    .addColumn('product_id', 'integer', (c) => c.references('products.id').onDelete('set null'))
    .addColumn('period_months', 'integer')
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .execute();
  await db.schema.createIndex('invoice_lines_invoice').on('invoice_lines').column('invoice_id').execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status IN ('pending', 'paid', 'cancelled')`),
    )
    .addColumn('invoice_id', 'integer', (c) => c.notNull().references('invoices.id'))
    .addColumn('created_by_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addColumn('paid_at', 'bigint')
    .execute();
  await db.schema.createIndex('orders_account').on('orders').columns(['account_id', 'status']).execute();

  await db.schema
    .createTable('order_items')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('order_id', 'integer', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('service_name', 'text', (c) => c.notNull())
    .addColumn('customer_name', 'text', (c) => c.notNull())
    .addColumn('period_months', 'integer', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    // The product the item became once the order was paid.
    .addColumn('product_id', 'integer', (c) => c.references('products.id').onDelete('set null'))
    .execute();
}

async function paymentsAndLedger(db: Kysely<any>) {
  await db.schema
    .createTable('payments')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('succeeded', 'pending', 'failed')`))
    .addColumn('method', 'text', (c) =>
      c.notNull().check(sql`method IN ('card', 'postfinance', 'twint', 'paypal', 'iban', 'prepaid')`),
    )
    .addColumn('payment_method_id', 'integer', (c) => c.references('payment_methods.id').onDelete('set null'))
    .addColumn('currency', 'text', currency)
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('prepaid_amount', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`prepaid_amount >= 0`),
    )
    .addColumn('processor_reference', 'text')
    .addColumn('failure_code', 'text')
    .addColumn('created_by_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('payments_account').on('payments').columns(['account_id', 'created_at']).execute();

  await db.schema
    .createTable('payment_invoices')
    .addColumn('payment_id', 'integer', (c) => c.notNull().references('payments.id').onDelete('cascade'))
    .addColumn('invoice_id', 'integer', (c) => c.notNull().references('invoices.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
    .addPrimaryKeyConstraint('payment_invoices_pk', ['payment_id', 'invoice_id'])
    .execute();

  // Append-only: rows are inserted, never updated or deleted; the balance is their sum.
  await db.schema
    .createTable('prepaid_ledger')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount <> 0`))
    .addColumn('currency', 'text', currency)
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('credit', 'debit', 'refund')`))
    .addColumn('payment_id', 'integer', (c) => c.references('payments.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('prepaid_ledger_account').on('prepaid_ledger').columns(['account_id', 'id']).execute();
  await sql`CREATE FUNCTION prepaid_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'prepaid_ledger is append-only'; END $$`.execute(db);
  await sql`CREATE TRIGGER prepaid_ledger_no_change BEFORE UPDATE OR DELETE ON prepaid_ledger
    FOR EACH ROW EXECUTE FUNCTION prepaid_ledger_append_only()`.execute(db);

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('in_flight', 'done')`))
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['account_id', 'key'])
    .execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  await pricesAndMethods(db);
  await ordersAndInvoices(db);
  await paymentsAndLedger(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'idempotency_keys',
    'prepaid_ledger',
    'payment_invoices',
    'payments',
    'order_items',
    'orders',
    'invoice_lines',
    'invoices',
    'payment_methods',
    'prices',
  ]) {
    await db.schema.dropTable(t).execute();
  }
  await sql`DROP FUNCTION IF EXISTS prepaid_ledger_append_only()`.execute(db);
}
