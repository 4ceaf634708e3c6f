import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { requireBilling } from '../accounts/index.js';
import { AppError, fieldError, invalidField, notFound } from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { nowSeconds } from '../../shared/time.js';
import { chargesRepository, RENEWABLE_KINDS, supportsAutoRenewal, type Trx } from '../charges/index.js';
import { renewalPeriods } from '../due/index.js';
import { invoicesRepository } from '../invoices/index.js';
import { WINDOW } from './renewal-run.js';
import { renewalLocks, renewalsRepository, type RenewalLocks, type RenewalsRepository } from './renewals.repository.js';
import {
  ATTEMPT_SORTABLE,
  AUTO_RENEWAL_SORTABLE,
  RENEWAL_WINDOW_DAYS,
  type AttemptsQueryInput,
  type AutoRenewalQueryInput,
  type BulkAutoRenewalInput,
  type SetAutoRenewalInput,
} from './renewals.schemas.js';

type ListedRow = Awaited<ReturnType<RenewalsRepository['listProducts']>>['items'][number];
type LockedProduct = NonNullable<Awaited<ReturnType<RenewalLocks['product']>>>;

/** When the run will next charge the product: its retry time, or the day it enters the window. */
const nextAttemptOf = (
  p: { auto_renewal: boolean; is_locked: boolean; expired_at: number | null; next_renewal_attempt_at: number | null },
  now: number,
) => {
  if (!p.auto_renewal || p.is_locked || p.expired_at === null) return null;
  return p.next_renewal_attempt_at ?? Math.max(Number(p.expired_at) - WINDOW, now);
};

/** The products as the auto-renewal list shows them, with the period the run would renew for. */
/** The product's renewal method, or null: its columns come from one left-joined row, all null or none. */
function paymentMethodOf(p: ListedRow) {
  if (p.method_id === null || p.method_kind === null || p.method_label === null) return null;
  return { id: p.method_id, kind: p.method_kind, label: p.method_label };
}

async function present(db: Executor, accountId: number, rows: ListedRow[]) {
  const { currency } = await chargesRepository(db).currencyOf(accountId);
  const prices = await invoicesRepository(db).pricesIn(currency);
  const now = nowSeconds();
  return rows.map((p) => ({
    product_id: p.id,
    service_name: p.service_name,
    customer_name: p.customer_name,
    expired_at: p.expired_at,
    enabled: p.auto_renewal,
    payment_method: paymentMethodOf(p),
    period_months: p.auto_renewal_period_months ?? renewalPeriods(p, prices)[0]?.period_months ?? null,
    next_attempt_at: nextAttemptOf(p, now),
    is_locked: p.is_locked,
  }));
}

/** Auto-renewal can be switched on for a product that expires, until 14 days before. */
function checkSwitchOnTime(accountId: number, product: LockedProduct) {
  const now = nowSeconds();
  if (product.expired_at === null)
    throw invalidField('enabled', 'renewable', 'This product does not expire: there is nothing to renew');
  if (Number(product.expired_at) - now < WINDOW) {
    const daysLeft = Math.max(0, Math.floor((Number(product.expired_at) - now) / 86_400));
    throw new AppError(
      'validation_failed',
      `The product expires in less than ${RENEWAL_WINDOW_DAYS} days: renew it by hand first (POST /1/accounts/${accountId}/renewals), then switch auto-renewal on`,
      {
        expired_at: product.expired_at,
        days_left: daysLeft,
      },
      [
        fieldError(
          'enabled',
          'auto_renewal_too_late',
          `Auto-renewal can be switched on until ${RENEWAL_WINDOW_DAYS} days before expiry`,
        ),
      ],
    );
  }
}

/** The period asked for (or kept), one of the product's renewal periods; null: the shortest. */
async function periodToRenew(trx: Trx, accountId: number, product: LockedProduct, body: SetAutoRenewalInput) {
  const { currency } = await chargesRepository(trx).currencyOf(accountId);
  const periods = renewalPeriods(product, await invoicesRepository(trx).pricesIn(currency));
  if (!periods.length) throw invalidField('enabled', 'renewable', 'This product has no renewal price');
  const period = body.period_months ?? product.auto_renewal_period_months ?? null;
  if (period !== null && !periods.some((p) => p.period_months === period)) {
    throw invalidField(
      'period_months',
      'in',
      `Allowed periods for this product: ${periods.map((p) => p.period_months).join(', ')} months`,
      periods.map((p) => p.period_months),
    );
  }
  return period;
}

/** The method the run will charge: the one named, else the product's, else the latest card or Twint. */
async function methodToRenew(trx: Trx, accountId: number, product: LockedProduct, body: SetAutoRenewalInput) {
  const charges = chargesRepository(trx);
  const methodId = body.payment_method_id ?? product.auto_renewal_method_id;
  let method = methodId === null ? undefined : await charges.findMethod(accountId, methodId);
  if (!method && body.payment_method_id !== undefined) throw notFound('Payment method');
  method ??= await charges.latestMethodOfKind(accountId, RENEWABLE_KINDS);
  if (!method || !supportsAutoRenewal(method.kind)) {
    throw new AppError(
      'validation_failed',
      method
        ? `A ${method.kind} method cannot renew automatically: choose a card (CB, Visa, Mastercard) or Twint`
        : `Auto-renewal needs a saved card (CB, Visa, Mastercard) or Twint: add one with POST /1/accounts/${accountId}/payment_methods`,
      undefined,
      [fieldError('payment_method_id', 'auto_renewal_method', 'A saved card or Twint method', ['card', 'twint'])],
    );
  }
  return method;
}

/** On or off for one product, in the transaction holding its lock. */
async function setAutoRenewal(trx: Trx, accountId: number, productId: number, body: SetAutoRenewalInput) {
  const product = await renewalLocks(trx).product(accountId, productId);
  const repo = renewalsRepository(trx);
  if (!product) throw notFound('Product');
  if (!body.enabled) {
    if (body.payment_method_id !== undefined || body.period_months !== undefined) {
      throw invalidField(
        body.payment_method_id !== undefined ? 'payment_method_id' : 'period_months',
        'prohibited',
        'Only switching auto-renewal on takes a method and a period',
      );
    }
    await repo.setAutoRenewal(product.id, { auto_renewal: false });
    return;
  }
  checkSwitchOnTime(accountId, product);
  const period = await periodToRenew(trx, accountId, product, body);
  const method = await methodToRenew(trx, accountId, product, body);
  await repo.setAutoRenewal(product.id, {
    auto_renewal: true,
    auto_renewal_method_id: method.id,
    auto_renewal_period_months: period,
  });
}

/** Switches auto-renewal off for `ids` (or every live product), all or nothing: an unknown one is a 404. */
async function switchOffIn(trx: Trx, accountId: number, ids: number[] | 'all') {
  const found = (await renewalLocks(trx).liveProductIds(accountId, ids)).map((r) => r.id);
  if (ids !== 'all' && found.length !== ids.length) {
    const missing = ids.filter((id) => !found.includes(id));
    throw new AppError('object_not_found', 'Product not found', { product_ids: missing });
  }
  return { product_ids: await renewalsRepository(trx).switchOff(found) };
}

export function renewalsService(db: Db) {
  const guard = (userId: number, accountId: number) => requireBilling(db, accountId, userId);

  return {
    guard,

    async list(userId: number, accountId: number, q: AutoRenewalQueryInput) {
      await guard(userId, accountId);
      const params = listParams(q, AUTO_RENEWAL_SORTABLE, [{ field: 'expired_at', dir: 'asc' }]);
      const f = { ...q, ...q.filter };
      const { items, total } = await renewalsRepository(db).listProducts(accountId, f, params);
      return { items: await present(db, accountId, items), total, params };
    },

    /** On or off for one product (the caller is already guarded). */
    async set(accountId: number, productId: number, body: SetAutoRenewalInput) {
      await inTransaction(db, (trx) => setAutoRenewal(trx, accountId, productId, body));
      const { items } = await renewalsRepository(db).listProducts(
        accountId,
        { product_id: productId },
        { offset: 0, limit: 1, page: undefined, sort: [], totalOnly: false },
      );
      // The product was found (and kept: it is not deleted here) in the transaction above.
      return (await present(db, accountId, items))[0];
    },

    /** Switches auto-renewal off for a selection or every product, all or nothing (the caller is guarded). */
    async switchOff(accountId: number, body: BulkAutoRenewalInput) {
      const ids = body.all ? ('all' as const) : body.product_ids;
      if (ids === undefined || (body.product_ids !== undefined && body.all !== undefined)) {
        throw invalidField('product_ids', 'required_without', 'Give exactly one of product_ids and all', [
          'product_ids',
          'all',
        ]);
      }
      return inTransaction(db, (trx) => switchOffIn(trx, accountId, ids));
    },

    async attempts(userId: number, accountId: number, q: AttemptsQueryInput) {
      await guard(userId, accountId);
      const params = listParams(q, ATTEMPT_SORTABLE, [{ field: 'id', dir: 'desc' }]);
      const f = { ...q, ...q.filter };
      const { items, total } = await renewalsRepository(db).listAttempts(
        accountId,
        { product_id: f.product_id, status: f.status },
        params,
      );
      return {
        items: items.map((a) => ({ ...a, amount: a.amount === null ? null : Number(a.amount) })),
        total,
        params,
      };
    },
  };
}
