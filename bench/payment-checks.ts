import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { FUNDING_DESCRIPTION } from './invoices-seed.js';

// After a payment run, in SQL on the organisations it paid in: every payment the server said
// it made is there (and no more than were sent: autocannon stops with requests in flight,
// which the server still completes, so the count lies between the two), exactly one successful payment per paid invoice, no invoice paid twice or
// paid without being marked so, and the prepaid ledger moved by exactly what was paid.

export interface PaymentCheck {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

const one = async <T>(db: Db, query: ReturnType<typeof sql<T>>): Promise<T> => {
  const { rows } = await query.execute(db);
  return rows[0];
};

export async function checkPayments(
  db: Db,
  accountIds: number[],
  counts: { answered: number; sent: number },
): Promise<PaymentCheck[]> {
  const ids = sql`${accountIds}::int[]`;
  const paid = await one(
    db,
    sql<{ n: number; total: number }>`
      SELECT count(*)::int AS n, coalesce(sum(total), 0)::bigint AS total
      FROM invoices WHERE account_id = ANY(${ids}) AND status = 'paid'`,
  );
  const notOne = await one(
    db,
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM invoices i
      WHERE i.account_id = ANY(${ids}) AND i.status = 'paid'
        AND (SELECT count(*) FROM payment_invoices pi JOIN payments p ON p.id = pi.payment_id
             WHERE pi.invoice_id = i.id AND p.status = 'succeeded') <> 1`,
  );
  const twice = await one(
    db,
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        SELECT pi.invoice_id FROM payment_invoices pi
        JOIN payments p ON p.id = pi.payment_id AND p.status = 'succeeded'
        JOIN invoices i ON i.id = pi.invoice_id
        WHERE i.account_id = ANY(${ids})
        GROUP BY pi.invoice_id HAVING count(*) > 1 OR bool_or(i.status <> 'paid')) AS x`,
  );
  const money = await one(
    db,
    sql<{ debits: number; credits: number; prepaid: number }>`
      SELECT
        (SELECT coalesce(-sum(amount), 0)::bigint FROM prepaid_ledger WHERE account_id = ANY(${ids}) AND kind = 'debit') AS debits,
        (SELECT coalesce(sum(amount), 0)::bigint FROM prepaid_ledger WHERE account_id = ANY(${ids}) AND kind = 'credit' AND description = ${FUNDING_DESCRIPTION}) AS credits,
        (SELECT coalesce(sum(prepaid_amount), 0)::bigint FROM payments WHERE account_id = ANY(${ids}) AND status = 'succeeded') AS prepaid`,
  );
  const balance = await one(
    db,
    sql<{ n: number }>`SELECT coalesce(sum(amount), 0)::bigint AS n FROM prepaid_ledger WHERE account_id = ANY(${ids})`,
  );
  const ledgerOk =
    money.debits === paid.total && money.prepaid === paid.total && balance.n === money.credits - paid.total;
  return [
    {
      name: 'paid invoices against payments answered 2xx and sent',
      value: `${paid.n} paid, ${counts.answered} answered 2xx, ${counts.sent} sent`,
      target: 'answered ≤ paid ≤ sent',
      pass: counts.answered <= paid.n && paid.n <= counts.sent,
    },
    {
      name: 'paid invoices without exactly one successful payment',
      value: String(notOne.n),
      target: '0',
      pass: notOne.n === 0,
    },
    {
      name: 'invoices paid twice (or paid but not marked paid)',
      value: String(twice.n),
      target: '0',
      pass: twice.n === 0,
    },
    {
      name: 'prepaid ledger = what was paid',
      value: `debits ${money.debits}, payments ${money.prepaid}, invoices ${paid.total}, balance ${balance.n} of ${money.credits}`,
      target: 'debits = payments = invoices paid, balance = funding − paid',
      pass: ledgerOk,
    },
  ];
}
