import type { FastifyBaseLogger } from 'fastify';
import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { billingRepository as billing } from '../billing/billing.repository.js';
import { charge, ProcessorDecline } from '../billing/processor.js';
import { issueRenewalInvoice, renewalOfCurrentPeriod, renewalPeriods } from '../due/index.js';
import { invoicesRepository } from '../invoices/invoices.repository.js';
import { DAY } from '../invoices/pricing.js';
import { paymentsRepository, settle, type SettledCharge } from '../payments/index.js';
import { recordActivity } from '../activity/index.js';
import { mailRenewal } from './renewal-mail.js';
import { RENEWAL_WINDOW_DAYS } from './renewals.schemas.js';
import { renewalsRepository as repo } from './renewals.repository.js';
import { supportsAutoRenewal } from './switch-on.js';

// The renewal run: for each product whose auto-renewal is on and whose expiry is 14 days away
// or less, one transaction that invoices the renewal, charges the saved method and, on
// success, pays the invoice (which extends the product). A decline is an attempt too, tried
// again a day later until the expiry; at the expiry with nothing paid the product is locked.
//
// Safe on several instances at once: each product is claimed with FOR UPDATE SKIP LOCKED after
// its organisation's row lock (the lock every payment takes first, so no deadlock with a
// payment made by hand), and the claim re-checks that the product is still due, so a product
// another instance has just renewed is not due any more. A unique index on successful attempts
// per (product, expiry) is the last guard: a second charge for the same period cannot commit.

export const WINDOW = RENEWAL_WINDOW_DAYS * DAY;
const BATCH = 500;

export interface RunSummary { succeeded: number; failed: number; locked: number }
type Outcome = keyof RunSummary | 'skipped';

/** Tries every product due now; one product's failure is logged and does not stop the others. */
export async function runDueRenewals(db: Db, now: number, log?: FastifyBaseLogger): Promise<RunSummary> {
  const summary: RunSummary = { succeeded: 0, failed: 0, locked: 0 };
  const due = await repo.dueProductIds(db, now, WINDOW, BATCH);
  for (const p of due) {
    try {
      const outcome = await attemptRenewal(db, p.account_id, p.id, now);
      if (outcome !== 'skipped') summary[outcome]++;
    } catch (err) {
      log?.error({ err, product_id: p.id }, 'renewal attempt failed');
    }
  }
  return summary;
}

type Claimed = NonNullable<Awaited<ReturnType<typeof repo.claimDue>>>;

async function attemptRenewal(db: Db, accountId: number, productId: number, now: number): Promise<Outcome> {
  return inTransaction(db, async (trx) => {
    const { currency } = await billing.lockAccount(trx, accountId);
    const product = await repo.claimDue(trx, productId, now, WINDOW);
    if (!product) return 'skipped';
    const forExpiredAt = Number(product.expired_at);
    const base = { account_id: accountId, product_id: product.id, for_expired_at: forExpiredAt, currency, created_at: now };

    if (forExpiredAt <= now) {
      await trx.updateTable('products').set({ is_locked: true, next_renewal_attempt_at: null }).where('id', '=', product.id).execute();
      await repo.insertAttempt(trx, {
        ...base, status: 'locked', invoice_id: null, payment_id: null, payment_method_id: null, period_months: null, amount: null,
        failure_code: null, new_expired_at: null, next_attempt_at: null,
      });
      await mailRenewal(trx, accountId, product, { kind: 'product_locked', expiredAt: forExpiredAt });
      await recordActivity(trx, { user_id: null, account_id: accountId, action: 'item_locked', target_type: 'product', target_id: product.id, product_id: product.id });
      return 'locked';
    }

    const previous = await repo.attemptsFor(trx, product.id, forExpiredAt);
    const method = product.auto_renewal_method_id === null ? undefined : await billing.findMethod(trx, accountId, product.auto_renewal_method_id);
    const usable = method && supportsAutoRenewal(method.kind) ? method : undefined;
    const price = await priceOf(trx, product, currency);
    const opened = price && await openInvoice(trx, accountId, currency, product, price, previous, now);
    const invoice = opened && 'id' in opened ? opened : undefined;
    if (previous.length === 0) {
      await mailRenewal(trx, accountId, product, {
        kind: 'auto_renewal_reminder', expiredAt: forExpiredAt, amount: invoice?.total ?? null, currency, method: usable?.label ?? null,
      });
    }

    const failed = async (code: string, paymentId: number | null) => {
      const next = Math.min(now + DAY, forExpiredAt);
      await trx.updateTable('products').set({ next_renewal_attempt_at: next }).where('id', '=', product.id).execute();
      await repo.insertAttempt(trx, {
        ...base, status: 'failed', invoice_id: invoice?.id ?? null, payment_id: paymentId, payment_method_id: usable?.id ?? null,
        period_months: invoice?.period_months ?? price?.period_months ?? null, amount: invoice?.total ?? null, failure_code: code, new_expired_at: null, next_attempt_at: next,
      });
      await mailRenewal(trx, accountId, product, { kind: 'auto_renewal_failed', reason: REASONS[code] ?? code, nextAttemptAt: next, expiredAt: forExpiredAt });
      return 'failed' as const;
    };
    if (!price) return failed('not_renewable', null);
    if (!invoice) return failed('renewal_invoiced', null);
    if (!usable) return failed('no_payment_method', null);

    const payments = paymentsRepository;
    const payment = (status: 'succeeded' | 'pending' | 'failed', reference: string, failureCode: string | null) =>
      payments.insertPayment(trx, {
        account_id: accountId, status, method: usable.kind, payment_method_id: usable.id, currency, amount: invoice.total, prepaid_amount: 0,
        processor_reference: reference, failure_code: failureCode, created_by_id: null,
      });
    let result;
    try {
      result = charge({ kind: usable.kind, token: usable.processor_token, amount: invoice.total, currency });
    } catch (err) {
      if (!(err instanceof ProcessorDecline)) throw err;
      const p = await payment('failed', err.reference, err.code);
      await payments.linkInvoices(trx, p.id, [{ invoice_id: invoice.id, amount: invoice.total }]);
      return failed(err.code, p.id);
    }
    const p = await payment(result.status, result.reference, null);
    await payments.linkInvoices(trx, p.id, [{ invoice_id: invoice.id, amount: invoice.total }]);
    if (result.status === 'pending') return failed('payment_pending', p.id);

    await settle(trx, [invoice.id], now);
    const { expired_at: newExpiredAt } = await trx.selectFrom('products').select('expired_at').where('id', '=', product.id).executeTakeFirstOrThrow();
    await repo.insertAttempt(trx, {
      ...base, status: 'succeeded', invoice_id: invoice.id, payment_id: p.id, payment_method_id: usable.id, period_months: invoice.period_months,
      amount: invoice.total, failure_code: null, new_expired_at: newExpiredAt, next_attempt_at: null,
    });
    await recordActivity(trx, { user_id: null, account_id: accountId, action: 'product_renewed', target_type: 'product', target_id: product.id, product_id: product.id });
    await mailRenewal(trx, accountId, product, { kind: 'auto_renewal_succeeded', newExpiredAt: Number(newExpiredAt), amount: invoice.total, currency, method: usable.label });
    return 'succeeded';
  });
}

/**
 * A charge the run left pending has succeeded (payments/pending-charges.ts, in its
 * transaction, the invoice paid and the product extended): the attempt succeeds after all,
 * with the notice and the activity of an immediate success.
 */
export async function pendingRenewalSettled(trx: Executor, charge: SettledCharge): Promise<void> {
  const attempt = await repo.attemptOfPayment(trx, charge.payment_id);
  if (!attempt) return;
  await repo.insertAttempt(trx, {
    account_id: charge.account_id, product_id: attempt.product_id, for_expired_at: attempt.for_expired_at, currency: charge.currency, created_at: charge.at,
    status: 'succeeded', invoice_id: attempt.invoice_id, payment_id: charge.payment_id, payment_method_id: charge.method?.id ?? null,
    period_months: attempt.period_months, amount: charge.amount, failure_code: null, new_expired_at: attempt.expired_at, next_attempt_at: null,
  });
  await recordActivity(trx, { user_id: null, account_id: charge.account_id, action: 'product_renewed', target_type: 'product', target_id: attempt.product_id, product_id: attempt.product_id });
  await mailRenewal(trx, charge.account_id, attempt, {
    kind: 'auto_renewal_succeeded', newExpiredAt: Number(attempt.expired_at), amount: charge.amount, currency: charge.currency, method: charge.method?.label ?? '',
  });
}

const REASONS: Record<string, string> = {
  card_declined: 'the card was declined',
  insufficient_funds: 'insufficient funds',
  declined: 'the payment was declined',
  payment_pending: 'the payment is still pending',
  no_payment_method: 'no saved card or Twint to charge',
  not_renewable: 'the product has no renewal price',
  renewal_invoiced: 'a renewal invoice for several products awaits payment for this period',
};

/** The chosen period's price, or the shortest period's when none was chosen. */
async function priceOf(trx: Executor, product: Claimed, currency: 'EUR' | 'CHF') {
  const periods = renewalPeriods(product, await invoicesRepository(trx).pricesIn(currency));
  const wanted = product.auto_renewal_period_months;
  return wanted === null ? periods[0] : periods.find((p) => p.period_months === wanted);
}

/**
 * The renewal invoice of this expiry: the one an earlier attempt issued if it is still
 * unpaid (a retry charges the same invoice), else the one issued by hand for this period when
 * it renews this product alone, else a new one. A product is invoiced once per period: an
 * invoice by hand renewing it with others is left to its payer (`invoicedBy`).
 */
async function openInvoice(
  trx: Executor, accountId: number, currency: 'EUR' | 'CHF', product: Claimed, price: { period_months: number; amount: number },
  previous: { invoice_id: number | null }[], now: number,
): Promise<{ id: number; total: number; period_months: number } | { invoicedBy: number }> {
  const unpaid = (id: number) =>
    trx.selectFrom('invoices').select(['id', 'total', 'status']).where('id', '=', id).where('status', '=', 'unpaid').forUpdate().executeTakeFirst();
  const earlier = previous.find((a) => a.invoice_id !== null)?.invoice_id;
  if (earlier) {
    const row = await unpaid(earlier);
    if (row) return { id: row.id, total: Number(row.total), period_months: price.period_months };
  }
  const issued = await renewalOfCurrentPeriod(trx, product.id);
  if (issued) {
    const row = issued.alone ? await unpaid(issued.invoice_id) : undefined;
    if (!row) return { invoicedBy: issued.invoice_id };
    return { id: row.id, total: Number(row.total), period_months: issued.period_months ?? price.period_months };
  }
  const id = await issueRenewalInvoice(trx, accountId, currency, [{ product, period_months: price.period_months, amount: price.amount }], now);
  const row = await trx.selectFrom('invoices').select(['id', 'total']).where('id', '=', id).executeTakeFirstOrThrow();
  return { id: row.id, total: Number(row.total), period_months: price.period_months };
}
