import type { FastifyBaseLogger } from 'fastify';
import type { Db, Executor } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import {
  chargeMethod,
  chargeLocks,
  chargesRepository,
  type ChargesRepository,
  recordDecline,
  settle,
  supportsAutoRenewal,
  type Currency,
  type Trx,
} from '../charges/index.js';
import { issueRenewalInvoice, renewalOfCurrentPeriod, renewalPeriods } from '../due/index.js';
import { DAY, invoicesRepository } from '../invoices/index.js';
import type { SettledCharge } from '../payments/index.js';
import { activityLog } from '../activity/index.js';
import { mailRenewal } from './renewal-mail.js';
import { RENEWAL_WINDOW_DAYS } from './renewals.schemas.js';
import { renewalLocks, renewalsRepository, type RenewalLocks } from './renewals.repository.js';

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

export interface RunSummary {
  succeeded: number;
  failed: number;
  locked: number;
}
type Outcome = keyof RunSummary | 'skipped';

/** Tries every product due now; one product's failure is logged and does not stop the others. */
export async function runDueRenewals(db: Db, now: number, log?: FastifyBaseLogger): Promise<RunSummary> {
  const summary: RunSummary = { succeeded: 0, failed: 0, locked: 0 };
  const due = await renewalsRepository(db).dueProductIds(now, WINDOW, BATCH);
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

type Claimed = NonNullable<Awaited<ReturnType<RenewalLocks['claimDue']>>>;
type Method = NonNullable<Awaited<ReturnType<ChargesRepository['findMethod']>>>;
type Price = { period_months: number; amount: number };
type OpenInvoice = { id: number; total: number; period_months: number };

/** One attempt in the making, inside its transaction: the organisation locked, then the product claimed. */
interface Attempt {
  trx: Trx;
  accountId: number;
  product: Claimed;
  currency: Currency;
  now: number;
  /** The expiry renewed from: it names the period the attempt is for. */
  forExpiredAt: number;
}

async function attemptRenewal(db: Db, accountId: number, productId: number, now: number): Promise<Outcome> {
  return inTransaction(db, async (trx) => {
    const { currency } = await chargeLocks(trx).account(accountId);
    const product = await renewalLocks(trx).claimDue(productId, now, WINDOW);
    if (!product) return 'skipped';
    const a: Attempt = { trx, accountId, product, currency, now, forExpiredAt: Number(product.expired_at) };
    return a.forExpiredAt <= now ? lockExpired(a) : chargeRenewal(a);
  });
}

const attemptBase = (a: Attempt) => ({
  account_id: a.accountId,
  product_id: a.product.id,
  for_expired_at: a.forExpiredAt,
  currency: a.currency,
  created_at: a.now,
});

/** At the expiry with nothing paid: the product is locked, its owners told. */
async function lockExpired(a: Attempt): Promise<Outcome> {
  const { trx, accountId, product } = a;
  const repo = renewalsRepository(trx);
  await repo.lockExpired(product.id);
  await repo.insertAttempt({
    ...attemptBase(a),
    status: 'locked',
    invoice_id: null,
    payment_id: null,
    payment_method_id: null,
    period_months: null,
    amount: null,
    failure_code: null,
    new_expired_at: null,
    next_attempt_at: null,
  });
  await mailRenewal(trx, accountId, product, { kind: 'product_locked', expiredAt: a.forExpiredAt });
  await activityLog(trx).record({
    user_id: null,
    account_id: accountId,
    action: 'item_locked',
    target_type: 'product',
    target_id: product.id,
    product_id: product.id,
  });
  return 'locked';
}

/** What the attempt found: the price, the invoice to charge and the method to charge it to (each may be missing). */
interface Plan {
  price: Price | undefined;
  invoice: OpenInvoice | undefined;
  usable: Method | undefined;
}

/** A failed attempt: tried again a day later (not after the expiry), its owners told why. */
async function recordFailure(a: Attempt, plan: Plan, code: string, paymentId: number | null): Promise<Outcome> {
  const { trx, product, now, forExpiredAt } = a;
  const repo = renewalsRepository(trx);
  const { invoice, price, usable } = plan;
  const next = Math.min(now + DAY, forExpiredAt);
  await repo.setNextAttempt(product.id, next);
  await repo.insertAttempt({
    ...attemptBase(a),
    status: 'failed',
    invoice_id: invoice?.id ?? null,
    payment_id: paymentId,
    payment_method_id: usable?.id ?? null,
    period_months: invoice?.period_months ?? price?.period_months ?? null,
    amount: invoice?.total ?? null,
    failure_code: code,
    new_expired_at: null,
    next_attempt_at: next,
  });
  await mailRenewal(trx, a.accountId, product, {
    kind: 'auto_renewal_failed',
    reason: REASONS[code] ?? code,
    nextAttemptAt: next,
    expiredAt: forExpiredAt,
  });
  return 'failed';
}

/** Before the expiry: the renewal invoiced (the first attempt of a period reminds the owners), then charged. */
async function chargeRenewal(a: Attempt): Promise<Outcome> {
  const { trx, accountId, product, currency } = a;
  const previous = await renewalsRepository(trx).attemptsFor(product.id, a.forExpiredAt);
  const method =
    product.auto_renewal_method_id === null
      ? undefined
      : await chargesRepository(trx).findMethod(accountId, product.auto_renewal_method_id);
  const usable = method && supportsAutoRenewal(method.kind) ? method : undefined;
  const price = await priceOf(trx, product, currency);
  const opened = price && (await openInvoice(a, price, previous));
  const plan: Plan = { price, invoice: opened && 'id' in opened ? opened : undefined, usable };
  if (previous.length === 0) {
    await mailRenewal(trx, accountId, product, {
      kind: 'auto_renewal_reminder',
      expiredAt: a.forExpiredAt,
      amount: plan.invoice?.total ?? null,
      currency,
      method: usable?.label ?? null,
    });
  }
  if (!plan.price) return recordFailure(a, plan, 'not_renewable', null);
  if (!plan.invoice) return recordFailure(a, plan, 'renewal_invoiced', null);
  if (!plan.usable) return recordFailure(a, plan, 'no_payment_method', null);
  return payRenewal(a, plan, plan.invoice, plan.usable);
}

/** The invoice charged to the method: paid (the product extended) on success; a decline or a pending charge is a failed attempt. */
async function payRenewal(a: Attempt, plan: Plan, invoice: OpenInvoice, usable: Method): Promise<Outcome> {
  const { trx } = a;
  const shares = [{ invoice_id: invoice.id, amount: invoice.total }];
  const payment = {
    account_id: a.accountId,
    method: usable.kind,
    payment_method_id: usable.id,
    currency: a.currency,
    amount: invoice.total,
    created_by_id: null,
  };
  const outcome = chargeMethod(usable, invoice.total, a.currency);
  if (outcome.status === 'declined') {
    const { paymentId } = await recordDecline(trx, { ...payment, shares }, outcome.decline);
    return recordFailure(a, plan, outcome.decline.code, paymentId);
  }
  const p = await chargesRepository(trx).insertPayment({
    ...payment,
    status: outcome.status,
    prepaid_amount: 0,
    processor_reference: outcome.reference,
    failure_code: null,
  });
  await chargesRepository(trx).linkInvoices(p.id, shares);
  if (outcome.status === 'pending') return recordFailure(a, plan, 'payment_pending', p.id);
  await settle(trx, [invoice.id], a.now);
  return recordSuccess(a, invoice, usable, p.id);
}

/** The renewal paid: the attempt, the activity and the notice of its new expiry. */
async function recordSuccess(a: Attempt, invoice: OpenInvoice, usable: Method, paymentId: number): Promise<Outcome> {
  const { trx, accountId, product } = a;
  const repo = renewalsRepository(trx);
  const { expired_at: newExpiredAt } = await repo.expiryOf(product.id);
  await repo.insertAttempt({
    ...attemptBase(a),
    status: 'succeeded',
    invoice_id: invoice.id,
    payment_id: paymentId,
    payment_method_id: usable.id,
    period_months: invoice.period_months,
    amount: invoice.total,
    failure_code: null,
    new_expired_at: newExpiredAt,
    next_attempt_at: null,
  });
  await activityLog(trx).record({
    user_id: null,
    account_id: accountId,
    action: 'product_renewed',
    target_type: 'product',
    target_id: product.id,
    product_id: product.id,
  });
  await mailRenewal(trx, accountId, product, {
    kind: 'auto_renewal_succeeded',
    newExpiredAt: Number(newExpiredAt),
    amount: invoice.total,
    currency: a.currency,
    method: usable.label,
  });
  return 'succeeded';
}

/**
 * A charge the run left pending has succeeded (payments/pending-charges.ts, in its
 * transaction, the invoice paid and the product extended): the attempt succeeds after all,
 * with the notice and the activity of an immediate success.
 */
export async function pendingRenewalSettled(trx: Executor, charge: SettledCharge): Promise<void> {
  const repo = renewalsRepository(trx);
  const attempt = await repo.attemptOfPayment(charge.payment_id);
  if (!attempt) return;
  await repo.insertAttempt({
    account_id: charge.account_id,
    product_id: attempt.product_id,
    for_expired_at: attempt.for_expired_at,
    currency: charge.currency,
    created_at: charge.at,
    status: 'succeeded',
    invoice_id: attempt.invoice_id,
    payment_id: charge.payment_id,
    payment_method_id: charge.method?.id ?? null,
    period_months: attempt.period_months,
    amount: charge.amount,
    failure_code: null,
    new_expired_at: attempt.expired_at,
    next_attempt_at: null,
  });
  await activityLog(trx).record({
    user_id: null,
    account_id: charge.account_id,
    action: 'product_renewed',
    target_type: 'product',
    target_id: attempt.product_id,
    product_id: attempt.product_id,
  });
  await mailRenewal(trx, charge.account_id, attempt, {
    kind: 'auto_renewal_succeeded',
    newExpiredAt: Number(attempt.expired_at),
    amount: charge.amount,
    currency: charge.currency,
    method: charge.method?.label ?? '',
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
async function priceOf(trx: Executor, product: Claimed, currency: Currency) {
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
  a: Attempt,
  price: Price,
  previous: { invoice_id: number | null }[],
): Promise<OpenInvoice | { invoicedBy: number }> {
  const { trx, product } = a;
  const earlier = previous.find((x) => x.invoice_id !== null)?.invoice_id;
  if (earlier) {
    const row = await renewalLocks(trx).unpaidInvoice(earlier);
    if (row) return { id: row.id, total: Number(row.total), period_months: price.period_months };
  }
  const issued = await renewalOfCurrentPeriod(trx, product.id);
  if (issued) {
    const row = issued.alone ? await renewalLocks(trx).unpaidInvoice(issued.invoice_id) : undefined;
    if (!row) return { invoicedBy: issued.invoice_id };
    return { id: row.id, total: Number(row.total), period_months: issued.period_months ?? price.period_months };
  }
  const id = await issueRenewalInvoice(
    trx,
    a.accountId,
    a.currency,
    [{ product, period_months: price.period_months, amount: price.amount }],
    a.now,
  );
  const row = await renewalsRepository(trx).invoiceTotal(id);
  return { id: row.id, total: Number(row.total), period_months: price.period_months };
}
