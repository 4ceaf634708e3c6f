import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { pageOf, sortFields, type SortColumns } from '../../db/paged.js';
import type { ListParams } from '../../shared/pagination.js';
import { METHOD_COLUMNS } from '../charges/index.js';

// The lists of the billing pages and a method's removal; the rows a charge reads and writes
// (methods, payments, the ledger) are the charges module's.

const METHOD_SORT = { id: sql`id`, created_at: sql`created_at`, kind: sql`kind` } satisfies SortColumns<string>;
export const METHOD_SORTABLE = sortFields(METHOD_SORT);

/** The ledger is listed newest first only. */
const LEDGER_SORT = { id: sql`id` } satisfies SortColumns<string>;

export function billingRepository(db: Executor) {
  return {
    listMethods(accountId: number, p: ListParams<keyof typeof METHOD_SORT>) {
      const base = db.selectFrom('payment_methods').where('account_id', '=', accountId).where('deleted_at', 'is', null);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      return pageOf(count, base.select([...METHOD_COLUMNS]), p, METHOD_SORT, sql`id asc`);
    },

    async softDeleteMethod(accountId: number, id: number, at: number) {
      const r = await db
        .updateTable('payment_methods')
        .set({ deleted_at: at })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    listLedger(accountId: number, p: ListParams<keyof typeof LEDGER_SORT>) {
      const base = db.selectFrom('prepaid_ledger').where('account_id', '=', accountId);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      const rows = base.select(['id', 'amount', 'kind', 'description', 'payment_id', 'created_at']);
      return pageOf(count, rows, { ...p, sort: [] }, LEDGER_SORT, sql`id desc`);
    },
  };
}
