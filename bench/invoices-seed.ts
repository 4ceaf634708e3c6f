import type { Db } from '../src/db/database.js';

// "Pay one invoice": unpaid invoices for the bench organisation, and a prepaid balance large
// enough to pay them all, so each request pays a different invoice from the ledger.

const BATCH = 1000;
const INVOICE_TOTAL = 100;

export async function seedInvoices(db: Db, accountId: number, count: number): Promise<number[]> {
  const now = Math.floor(Date.now() / 1000);
  const ids: number[] = [];
  for (let done = 0; done < count; done += BATCH) {
    const rows = [];
    for (let i = done; i < Math.min(count, done + BATCH); i++) {
      rows.push({
        account_id: accountId,
        number: `BENCH-${accountId}-${i}`,
        kind: 'order' as const,
        currency: 'CHF' as const,
        subtotal: INVOICE_TOTAL,
        total: INVOICE_TOTAL,
        due_at: now + 30 * 86_400,
      });
    }
    const inserted = await db.insertInto('invoices').values(rows).returning('id').execute();
    ids.push(...inserted.map((r) => r.id));
  }
  await db
    .insertInto('prepaid_ledger')
    .values({
      account_id: accountId,
      amount: INVOICE_TOTAL * count,
      currency: 'CHF',
      kind: 'credit',
      description: 'bench funding',
    })
    .execute();
  return ids;
}
