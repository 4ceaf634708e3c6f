import type { Kysely } from 'kysely';

// Payments look up what was already paid on an invoice and which order an invoice belongs to
// on every call; without these indexes both were sequential scans that grow with history.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('payment_invoices_invoice').on('payment_invoices').column('invoice_id').execute();
  await db.schema.createIndex('orders_invoice').on('orders').column('invoice_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_invoice').execute();
  await db.schema.dropIndex('payment_invoices_invoice').execute();
}
