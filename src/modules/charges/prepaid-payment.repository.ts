import { sql } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Currency } from '../../db/types.js';
import { shaped, standInsFor } from '../../db/shaped.js';
import type { Executor } from '../../db/database.js';
import { inOneMessage } from '../../db/one-message.js';
import {
  accountLock,
  balanceOf,
  debitOf,
  invoicesNamed,
  invoicesToPay,
  PAYMENT_COLUMNS,
  type Trx,
} from './charges.repository.js';

// Paying invoices from the prepaid account alone is the one payment that needs nothing from the
// processor, so all of it is one statement, run once the organisation's row is locked: the
// organisation's payments queue on that lock. When paying settles nothing else (no order, no
// renewal), the lock and the statement go as one message (db/one-message.ts), which Postgres
// commits at its end: the lock is then held only while Postgres works. The statement is built
// and compiled once per number of invoices and way of sending (db/shaped.ts).

/** Who pays which invoices, and when they are paid (in the organisation's currency, which the statement reads). */
export interface PrepaidPayment {
  accountId: number;
  userId: number;
  /** Distinct, in id order. */
  ids: number[];
  paidAt: number;
}

/** The statement's values: the payment's, and the end of its debit's description. */
interface Values extends PrepaidPayment {
  described: string;
}

/** The statement's shape: the number of invoices paid, and whether it pays only when settling needs nothing more (`atOnce`). */
interface Shape {
  n: number;
  atOnce: boolean;
}

/** What is due on an invoice: its total less what succeeded payments have paid, never below 0. */
const dueOf = sql<number>`greatest(inv.total - coalesce(inv.paid, 0), 0)`;

/**
 * The organisation's currency (`acct`), the invoices locked and read (`inv`), the balance
 * (`bal`), and `ok`: one row, what is due, only when the payment may be made (and, `atOnce`,
 * when settling the invoices needs nothing beside marking them paid).
 */
const checked = (trx: Executor, p: Values, { n, atOnce }: Shape) =>
  trx
    .with('acct', (w) => w.selectFrom('accounts').select('currency').where('id', '=', p.accountId))
    .with('inv', () => invoicesToPay(trx, p.accountId, p.ids, n))
    .with('bal', () => balanceOf(trx, p.accountId))
    .with('due', (w) =>
      w
        .selectFrom('inv')
        .select([
          sql<number>`count(*)`.as('n'),
          sql<number>`count(*) filter (where inv.status = 'unpaid')`.as('unpaid'),
          sql<number>`count(*) filter (where inv.has_pending_order or inv.renews)`.as('settling'),
          sql<number>`coalesce(sum(${dueOf}), 0)::bigint`.as('amount'),
        ]),
    )
    .with('ok', (w) =>
      w
        .selectFrom(['due', 'bal'])
        .select('due.amount')
        .where('due.n', '=', n)
        .where('due.unpaid', '=', n)
        .whereRef('bal.balance', '>=', 'due.amount')
        .$if(atOnce, (q) => q.where('due.settling', '=', 0)),
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
            .selectFrom(['ok', 'acct'])
            .select([
              sql<number>`${p.accountId}::integer`.as('account_id'),
              sql<'prepaid'>`'prepaid'`.as('method'),
              sql<Currency>`acct.currency`.as('currency'),
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
 * paid. Answers the invoices as read, each with the balance, the currency and the payment (null when not made:
 * the caller tells why from the rest).
 */
const prepaidStatement = shaped((trx: Executor, p: Values, shape: Shape) => ({
  rows: debited(made(checked(trx, p, shape), p), p, shape)
    .selectFrom(['inv', 'bal', 'acct'])
    .select((eb) => [
      'inv.id',
      'inv.status',
      'inv.total',
      'inv.paid',
      'inv.has_pending_order',
      'inv.renews',
      'bal.balance',
      'acct.currency',
      jsonObjectFrom(eb.selectFrom('p').select(PAYMENT_COLUMNS.map((c) => `p.${c}` as const))).as('payment'),
    ])
    .orderBy('inv.id'),
}));

/** Pays inside the caller's transaction, the organisation already locked (`chargeLocks.account`). */
export function payFromPrepaid(trx: Trx, p: PrepaidPayment) {
  return prepaidStatement(trx, valuesOf(p), { n: p.ids.length, atOnce: false }).rows();
}

/** The invoices as the statement read them, the balance, the currency, and the payment when it was made. */
export type PrepaidRows = Awaited<ReturnType<typeof payFromPrepaid>>;

const lockStatement = shaped((db: Executor, v: { accountId: number }) => ({ lock: accountLock(db, v.accountId) }));

/**
 * Pays in one message of its own (the organisation locked, then the statement), only when
 * settling the invoices needs nothing beside marking them paid: otherwise nothing is made, and
 * the rows say why (`has_pending_order`, `renews`), as they say any other refusal.
 */
export async function payFromPrepaidAtOnce(db: Executor, p: PrepaidPayment): Promise<PrepaidRows> {
  const { lock } = lockStatement.bound(db, { accountId: p.accountId }, {});
  const { rows } = prepaidStatement.bound(db, valuesOf(p), { n: p.ids.length, atOnce: true });
  const [, paid] = await inOneMessage(db, [lock, rows]);
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the second statement of the message is prepaidStatement's, so are its rows
  return paid as PrepaidRows;
}

const valuesOf = (p: PrepaidPayment): Values => ({ ...p, described: invoicesNamed(p.ids) });
