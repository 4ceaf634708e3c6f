import { sql, type Insertable } from 'kysely';
import type { Executor } from '../../db/database.js';
import { pageOf, type SortColumns } from '../../db/paged.js';
import type { RenewalAttemptsTable, RenewalAttemptStatus } from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';
import type { Trx } from '../charges/index.js';
import type { ATTEMPT_SORTABLE, AUTO_RENEWAL_SORTABLE } from './renewals.schemas.js';

// Rows of auto-renewal: the products' settings, the attempts, and who hears of them.

const PRODUCT_COLUMNS = [
  'p.id',
  'p.account_id',
  'p.service_name',
  'p.customer_name',
  'p.fqdn',
  'p.expired_at',
  'p.is_locked',
  'p.auto_renewal',
  'p.auto_renewal_method_id',
  'p.auto_renewal_period_months',
  'p.next_renewal_attempt_at',
] as const;

export interface AutoRenewalFilter {
  product_id?: number;
  enabled?: boolean;
  service_name?: string;
  expiring_before?: number;
  search?: string;
}

const PRODUCT_SORT = {
  expired_at: sql`p.expired_at`,
  product_id: sql`p.id`,
  customer_name: sql`p.customer_name`,
} satisfies SortColumns<(typeof AUTO_RENEWAL_SORTABLE)[number]>;
const ATTEMPT_SORT = { id: sql`id`, created_at: sql`created_at` } satisfies SortColumns<
  (typeof ATTEMPT_SORTABLE)[number]
>;

export type NewAttempt = Insertable<RenewalAttemptsTable>;

const ATTEMPT_COLUMNS = [
  'id',
  'product_id',
  'status',
  'for_expired_at',
  'new_expired_at',
  'invoice_id',
  'payment_id',
  'payment_method_id',
  'period_months',
  'amount',
  'currency',
  'failure_code',
  'next_attempt_at',
  'created_at',
] as const;

/** The products' auto-renewal settings: listing and switching. */
function renewalSettings(db: Executor) {
  return {
    listProducts(accountId: number, f: AutoRenewalFilter, p: ListParams<keyof typeof PRODUCT_SORT>) {
      let base = db
        .selectFrom('products as p')
        .leftJoin('payment_methods as m', (j) =>
          j.onRef('m.id', '=', 'p.auto_renewal_method_id').on('m.deleted_at', 'is', null),
        )
        .where('p.account_id', '=', accountId)
        .where('p.deleted_at', 'is', null);
      if (f.product_id !== undefined) base = base.where('p.id', '=', f.product_id);
      if (f.enabled !== undefined) base = base.where('p.auto_renewal', '=', f.enabled);
      if (f.service_name !== undefined) base = base.where('p.service_name', '=', f.service_name);
      if (f.expiring_before !== undefined) base = base.where('p.expired_at', '<=', f.expiring_before);
      if (f.search)
        base = base.where(sql<boolean>`p.customer_name ILIKE ${`%${f.search.replace(/[\\%_]/g, '\\$&')}%`}`);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      const rows = base.select([
        ...PRODUCT_COLUMNS,
        'm.id as method_id',
        'm.kind as method_kind',
        'm.label as method_label',
      ]);
      return pageOf(count, rows, p, PRODUCT_SORT, sql`p.id asc`);
    },

    setAutoRenewal: (
      id: number,
      s: { auto_renewal: boolean; auto_renewal_method_id?: number | null; auto_renewal_period_months?: number | null },
    ) =>
      db
        .updateTable('products')
        .set({ ...s, next_renewal_attempt_at: null })
        .where('id', '=', id)
        .execute(),

    /** Switches off those of `ids` that are on; answers which were. */
    async switchOff(ids: number[]) {
      if (!ids.length) return [];
      const rows = await db
        .updateTable('products')
        .set({ auto_renewal: false, next_renewal_attempt_at: null })
        .where('id', 'in', ids)
        .where('auto_renewal', '=', true)
        .returning('id')
        .execute();
      return rows.map((r) => r.id).sort((a, b) => a - b);
    },
  };
}

/** What the renewal run reads and writes on products and invoices, and who hears of it. */
function renewalRunRows(db: Executor) {
  return {
    /** Ids of products the run should look at now: on, not locked, inside the window, retry time reached. */
    dueProductIds: (now: number, windowSeconds: number, limit: number) =>
      db
        .selectFrom('products')
        .select(['id', 'account_id'])
        .where('auto_renewal', '=', true)
        .where('deleted_at', 'is', null)
        .where('is_locked', '=', false)
        .where('expired_at', 'is not', null)
        .where('expired_at', '<=', now + windowSeconds)
        .where((eb) => eb.or([eb('next_renewal_attempt_at', 'is', null), eb('next_renewal_attempt_at', '<=', now)]))
        .orderBy('expired_at')
        .orderBy('id')
        .limit(limit)
        .execute(),

    /** Expired unpaid: the product is locked and the run stops trying. */
    lockExpired: (productId: number) =>
      db
        .updateTable('products')
        .set({ is_locked: true, next_renewal_attempt_at: null })
        .where('id', '=', productId)
        .execute(),

    setNextAttempt: (productId: number, at: number) =>
      db.updateTable('products').set({ next_renewal_attempt_at: at }).where('id', '=', productId).execute(),

    expiryOf: (productId: number) =>
      db.selectFrom('products').select('expired_at').where('id', '=', productId).executeTakeFirstOrThrow(),

    invoiceTotal: (id: number) =>
      db.selectFrom('invoices').select(['id', 'total']).where('id', '=', id).executeTakeFirstOrThrow(),

    /** Owners and members with billing access: who hears about renewals. */
    billingRecipients: (accountId: number) =>
      db
        .selectFrom('account_members as am')
        .innerJoin('users as u', 'u.id', 'am.user_id')
        .select(['u.id', 'u.email', 'u.first_name', 'u.last_name'])
        .where('am.account_id', '=', accountId)
        .where((eb) => eb.or([eb('am.role_type', '=', 'owner'), eb('am.has_billing_access', '=', true)]))
        .orderBy('u.id')
        .execute(),
  };
}

/** The attempts of the renewal run. */
function renewalAttempts(db: Executor) {
  return {
    /** The attempts already made for this expiry of the product, newest first. */
    attemptsFor: (productId: number, forExpiredAt: number) =>
      db
        .selectFrom('renewal_attempts')
        .select(['id', 'invoice_id', 'status'])
        .where('product_id', '=', productId)
        .where('for_expired_at', '=', forExpiredAt)
        .orderBy('id', 'desc')
        .execute(),

    /** The attempt that made this payment (a charge left pending), with its product. */
    attemptOfPayment: (paymentId: number) =>
      db
        .selectFrom('renewal_attempts as a')
        .innerJoin('products as p', 'p.id', 'a.product_id')
        .select([
          'a.product_id',
          'a.for_expired_at',
          'a.invoice_id',
          'a.period_months',
          'p.service_name',
          'p.customer_name',
          'p.expired_at',
        ])
        .where('a.payment_id', '=', paymentId)
        .orderBy('a.id', 'desc')
        .limit(1)
        .executeTakeFirst(),

    insertAttempt: (a: NewAttempt) =>
      db.insertInto('renewal_attempts').values(a).returning('id').executeTakeFirstOrThrow(),

    listAttempts(
      accountId: number,
      f: { product_id?: number; status?: RenewalAttemptStatus },
      p: ListParams<keyof typeof ATTEMPT_SORT>,
    ) {
      let base = db.selectFrom('renewal_attempts').where('account_id', '=', accountId);
      if (f.product_id !== undefined) base = base.where('product_id', '=', f.product_id);
      if (f.status !== undefined) base = base.where('status', '=', f.status);
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      return pageOf(count, base.select([...ATTEMPT_COLUMNS]), p, ATTEMPT_SORT, sql`id desc`);
    },
  };
}

export function renewalsRepository(db: Executor) {
  return { ...renewalSettings(db), ...renewalRunRows(db), ...renewalAttempts(db) };
}
export type RenewalsRepository = ReturnType<typeof renewalsRepository>;

/** Row locks of auto-renewal, held until the transaction ends. */
export function renewalLocks(trx: Trx) {
  return {
    /** One live product of the organisation, locked for the change. */
    product: (accountId: number, id: number) =>
      trx
        .selectFrom('products as p')
        .select([...PRODUCT_COLUMNS])
        .where('p.account_id', '=', accountId)
        .where('p.id', '=', id)
        .where('p.deleted_at', 'is', null)
        .forUpdate()
        .executeTakeFirst(),

    /** The organisation's live products among `ids` (or all of them), locked in id order. */
    liveProductIds: (accountId: number, ids: number[] | 'all') => {
      let q = trx
        .selectFrom('products')
        .select('id')
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null);
      if (ids !== 'all') q = q.where('id', 'in', ids);
      return q.orderBy('id').forUpdate().execute();
    },

    /** The product if it is still due, locked; skipped (undefined) when another run holds it. */
    claimDue: (id: number, now: number, windowSeconds: number) =>
      trx
        .selectFrom('products as p')
        .select([...PRODUCT_COLUMNS])
        .where('p.id', '=', id)
        .where('p.auto_renewal', '=', true)
        .where('p.deleted_at', 'is', null)
        .where('p.is_locked', '=', false)
        .where('p.expired_at', 'is not', null)
        .where('p.expired_at', '<=', now + windowSeconds)
        .where((eb) => eb.or([eb('p.next_renewal_attempt_at', 'is', null), eb('p.next_renewal_attempt_at', '<=', now)]))
        .forUpdate()
        .skipLocked()
        .executeTakeFirst(),

    /** The invoice if it is still unpaid, locked for its payment. */
    unpaidInvoice: (id: number) =>
      trx
        .selectFrom('invoices')
        .select(['id', 'total', 'status'])
        .where('id', '=', id)
        .where('status', '=', 'unpaid')
        .forUpdate()
        .executeTakeFirst(),
  };
}
export type RenewalLocks = ReturnType<typeof renewalLocks>;
