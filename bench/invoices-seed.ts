import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { addOwner, insertAccount, seedOwner, type Owner } from './seed.js';

// "Pay one invoice": organisations with unpaid invoices and a prepaid balance large enough to
// pay them all, so each request pays a different invoice from the ledger. One organisation
// with many invoices (its payments take its row lock one after the other) and many
// organisations with fewer (their payments run side by side), all owned by one user who
// belongs to no other organisation. Set-based SQL: tens of thousands of invoices in a second.

export const INVOICE_TOTAL = 100;
export const FUNDING_DESCRIPTION = 'bench funding';

export interface PaymentOrgs {
  owner: Owner;
  /** Each organisation's unpaid invoices, in the order they are to be paid. */
  one: { accountId: number; invoices: number[] };
  many: { accountId: number; invoices: number[] }[];
}

async function fund(db: Db, accountIds: number[], invoicesEach: number): Promise<Map<number, number[]>> {
  const due = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const { rows } = await sql<{ id: number; account_id: number }>`
    INSERT INTO invoices (account_id, number, kind, currency, subtotal, total, due_at)
    SELECT a, 'BENCH-' || a || '-' || g, 'order', 'CHF', ${INVOICE_TOTAL}, ${INVOICE_TOTAL}, ${due}
    FROM unnest(${accountIds}::int[]) AS a, generate_series(1, ${invoicesEach}::int) AS g
    ORDER BY g, a
    RETURNING id, account_id`.execute(db);
  await sql`
    INSERT INTO prepaid_ledger (account_id, amount, currency, kind, description)
    SELECT a, ${INVOICE_TOTAL * invoicesEach}, 'CHF', 'credit', ${FUNDING_DESCRIPTION}
    FROM unnest(${accountIds}::int[]) AS a`.execute(db);
  const byAccount = new Map<number, number[]>(accountIds.map((id) => [id, []]));
  for (const r of rows) byAccount.get(r.account_id)?.push(r.id);
  for (const ids of byAccount.values()) ids.sort((x, y) => x - y);
  return byAccount;
}

export async function seedPaymentOrgs(
  db: Db,
  tokenCount: number,
  invoices: number,
  orgs: number,
  orgInvoices: number,
): Promise<PaymentOrgs> {
  const owner = await seedOwner(db, 'payments', tokenCount);
  const manyIds: number[] = [];
  for (let i = 0; i < orgs; i++) {
    const id = await insertAccount(db, `payments organisation ${i + 1}`);
    await addOwner(db, id, owner.userId);
    manyIds.push(id);
  }
  const one = await fund(db, [owner.accountId], invoices);
  const many = orgs > 0 ? await fund(db, manyIds, orgInvoices) : new Map<number, number[]>();
  return {
    owner,
    one: { accountId: owner.accountId, invoices: one.get(owner.accountId) ?? [] },
    many: manyIds.map((accountId) => ({ accountId, invoices: many.get(accountId) ?? [] })),
  };
}
