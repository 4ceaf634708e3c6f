import { sql, type Transaction } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Currency, Database, PaymentChannel, PaymentMethodKind } from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';

const METHOD_COLUMNS = ['id', 'kind', 'brand', 'last4', 'exp_month', 'exp_year', 'label', 'created_at'] as const;
export const METHOD_SORTABLE = ['id', 'created_at', 'kind'] as const;

export interface NewPaymentMethod {
  account_id: number;
  kind: PaymentMethodKind;
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  label: string;
  processor_token: string;
}

export interface NewPayment {
  account_id: number;
  status: 'succeeded' | 'pending' | 'failed';
  method: PaymentChannel;
  payment_method_id: number | null;
  currency: Currency;
  amount: number;
  processor_reference: string | null;
  failure_code: string | null;
  created_by_id: number;
}

export const billingRepository = {
  currencyOf: (db: Executor, accountId: number) =>
    db.selectFrom('accounts').select('currency').where('id', '=', accountId).executeTakeFirstOrThrow(),

  /** Locks the organisation's prepaid state (FOR NO KEY UPDATE on its accounts row). */
  lockAccount: (trx: Transaction<Database>, accountId: number) =>
    trx.selectFrom('accounts').select(['id', 'currency']).where('id', '=', accountId).forNoKeyUpdate().executeTakeFirstOrThrow(),

  async listMethods(db: Executor, accountId: number, p: ListParams) {
    const base = db.selectFrom('payment_methods').where('account_id', '=', accountId).where('deleted_at', 'is', null);
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    if (p.totalOnly) return { items: [], total: Number(total) };
    let q = base.select([...METHOD_COLUMNS]);
    for (const s of p.sort) q = q.orderBy(s.field as (typeof METHOD_SORTABLE)[number], s.dir);
    q = q.orderBy('id', 'asc').offset(p.offset);
    if (p.limit !== undefined) q = q.limit(p.limit);
    return { items: await q.execute(), total: Number(total) };
  },

  insertMethod: (db: Executor, m: NewPaymentMethod) =>
    db.insertInto('payment_methods').values(m).returning([...METHOD_COLUMNS]).executeTakeFirstOrThrow(),

  /** A live method of the organisation (with its token), or undefined. */
  findMethod: (db: Executor, accountId: number, id: number) =>
    db
      .selectFrom('payment_methods')
      .select([...METHOD_COLUMNS, 'processor_token'])
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst(),

  /** The most recently saved live method of the kind (or of any of the kinds). */
  latestMethodOfKind: (db: Executor, accountId: number, kind: PaymentMethodKind | readonly PaymentMethodKind[]) =>
    db
      .selectFrom('payment_methods')
      .select([...METHOD_COLUMNS, 'processor_token'])
      .where('account_id', '=', accountId)
      .where('kind', 'in', typeof kind === 'string' ? [kind] : [...kind])
      .where('deleted_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),

  /** The live saved method with this label (a Twint profile is known by its phone's label). */
  methodByLabel: (db: Executor, accountId: number, kind: PaymentMethodKind, label: string) =>
    db
      .selectFrom('payment_methods')
      .select([...METHOD_COLUMNS, 'processor_token'])
      .where('account_id', '=', accountId)
      .where('kind', '=', kind)
      .where('label', '=', label)
      .where('deleted_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),

  async softDeleteMethod(db: Executor, accountId: number, id: number, at: number) {
    const r = await db
      .updateTable('payment_methods')
      .set({ deleted_at: at })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  async balance(db: Executor, accountId: number): Promise<number> {
    const row = await db
      .selectFrom('prepaid_ledger')
      .select(sql<number>`coalesce(sum(amount), 0)::bigint`.as('balance'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return Number(row.balance);
  },

  async listLedger(db: Executor, accountId: number, p: ListParams) {
    const base = db.selectFrom('prepaid_ledger').where('account_id', '=', accountId);
    const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    if (p.totalOnly) return { items: [], total: Number(total) };
    let q = base.select(['id', 'amount', 'kind', 'description', 'payment_id', 'created_at']).orderBy('id', 'desc').offset(p.offset);
    if (p.limit !== undefined) q = q.limit(p.limit);
    return { items: await q.execute(), total: Number(total) };
  },

  insertPayment: (trx: Executor, p: NewPayment) =>
    trx.insertInto('payments').values(p).returning(['id', 'created_at']).executeTakeFirstOrThrow(),

  insertLedger: (
    trx: Executor,
    row: { account_id: number; amount: number; currency: Currency; kind: 'credit' | 'debit' | 'refund'; payment_id: number; description: string },
  ) => trx.insertInto('prepaid_ledger').values(row).returning('id').executeTakeFirstOrThrow(),
};
