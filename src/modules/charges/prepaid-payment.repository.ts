import { sql } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Currency } from '../../db/types.js';
import { shaped, standInsFor } from '../../db/shaped.js';
import { balanceOf, debitOf, invoicesNamed, invoicesToPay, PAYMENT_COLUMNS, type Trx } from './charges.repository.js';

// Paying invoices from the prepaid account alone is the one payment that needs nothing from the
// processor, so all of it is one statement, run once the organisation's row is locked: the
// organisation's payments queue on that lock, and this leaves one round trip (and the commit)
// to hold it. It is built and compiled once per number of invoices (db/shaped.ts).

/** Who pays which invoices, in what currency, and when they are paid. */
export interface PrepaidPayment {
  accountId: number;
  userId: number;
  currency: Currency;
  /** Distinct, in id order. */
  ids: number[];
  paidAt: number;
}

/** The statement's values: the payment's, and the end of its debit's description. */
interface Values extends PrepaidPayment {
  described: string;
}

/** The statement's shape: the number of invoices paid. */
interface Shape {
  n: number;
}

/** What is due on an invoice: its total less what succeeded payments have paid, never below 0. */
const dueOf = sql<number>`greatest(inv.total - coalesce(inv.paid, 0), 0)`;

/** The invoices locked and read (`inv`), the balance (`bal`), and `ok`: one row, what is due, only when the payment may be made. */
const checked = (trx: Trx, p: Values, { n }: Shape) =>
  trx
    .with('inv', () => invoicesToPay(trx, p.accountId, p.ids, n))
    .with('bal', () => balanceOf(trx, p.accountId))
    .with('due', (w) =>
      w
        .selectFrom('inv')
        .select([
          sql<number>`count(*)`.as('n'),
          sql<number>`count(*) filter (where inv.status = 'unpaid')`.as('unpaid'),
          sql<number>`coalesce(sum(${dueOf}), 0)::bigint`.as('amount'),
        ]),
    )
    .with('ok', (w) =>
      w
        .selectFrom(['due', 'bal'])
        .select('due.amount')
        .where('due.n', '=', n)
        .where('due.unpaid', '=', n)
        .whereRef('bal.balance', '>=', 'due.amount'),
    );

/** The succeeded payment (`p`) and its invoices (`l`), made from `ok`'s row: none without it. */
const made = (q: ReturnType<typeof checked>, p: Values) =>
  q
    .with('p', (w) =>
      w
        .insertInto('payments')
        .columns(['account_id', 'method', 'currency', 'amount', 'created_by_id', 'status', 'prepaid_amount'])
        .expression((eb) =>
          eb
            .selectFrom('ok')
            .select([
              sql<number>`${p.accountId}::integer`.as('account_id'),
              sql<'prepaid'>`'prepaid'`.as('method'),
              sql<Currency>`${p.currency}::text`.as('currency'),
              'ok.amount',
              sql<number>`${p.userId}::integer`.as('created_by_id'),
              sql<'succeeded'>`'succeeded'`.as('status'),
              'ok.amount as prepaid_amount',
            ]),
        )
        .returning([...PAYMENT_COLUMNS]),
    )
    .with('l', (w) =>
      w
        .insertInto('payment_invoices')
        .columns(['payment_id', 'invoice_id', 'amount'])
        .expression((eb) => eb.selectFrom(['p', 'inv']).select(['p.id', 'inv.id as invoice_id', dueOf.as('amount')])),
    );

/** The payment's debit in the ledger (`d`) and its invoices marked paid (`m`), once `p` is made. */
const debited = (q: ReturnType<typeof made>, p: Values, { n }: Shape) =>
  q
    .with('d', (w) =>
      w
        .insertInto('prepaid_ledger')
        .columns(['account_id', 'amount', 'currency', 'kind', 'payment_id', 'description'])
        .expression((eb) =>
          eb.selectFrom('p').select(debitOf(p.accountId, p.described)).where('p.prepaid_amount', '>', 0),
        ),
    )
    .with('m', (w) =>
      w
        .updateTable('invoices')
        .set({ status: 'paid', paid_at: p.paidAt })
        .where('id', 'in', standInsFor(p.ids, n))
        .where((eb) => eb.exists(eb.selectFrom('p').select('p.id'))),
    );

/**
 * One statement: the invoices locked and read as `invoicesToPay` does, with the prepaid
 * balance; only when every one is the organisation's and unpaid and the balance covers what is
 * due, the succeeded payment, its invoices, its debit in the ledger and the invoices marked
 * paid. Answers the invoices as read, each with the balance and the payment (null when not made:
 * the caller tells why from the rest).
 */
const prepaidStatement = shaped((trx: Trx, p: Values, shape: Shape) => ({
  rows: debited(made(checked(trx, p, shape), p), p, shape)
    .selectFrom(['inv', 'bal'])
    .select((eb) => [
      'inv.id',
      'inv.status',
      'inv.total',
      'inv.paid',
      'inv.has_pending_order',
      'inv.renews',
      'bal.balance',
      jsonObjectFrom(eb.selectFrom('p').select(PAYMENT_COLUMNS.map((c) => `p.${c}` as const))).as('payment'),
    ])
    .orderBy('inv.id'),
}));

export function payFromPrepaid(trx: Trx, p: PrepaidPayment) {
  return prepaidStatement(trx, { ...p, described: invoicesNamed(p.ids) }, { n: p.ids.length }).rows();
}
