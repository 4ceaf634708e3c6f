import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/database.js';
import type { Currency } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import {
  chargeLocks,
  chargesRepository,
  pendingOutcome,
  PENDING_RESOLVES_AFTER,
  RESOLVING_TOKEN_PREFIXES,
  settleCharged,
  type DeclineCode,
  type Trx,
} from '../charges/index.js';
import { paymentLocks, paymentsRepository, type PaymentLocks, type PaymentsRepository } from './payments.repository.js';

// Pending card, Twint, PayPal and PostFinance charges, resolved on the mirror's clock: the job
// runs on every clock move and with the renewal run (renewal-scheduler.ts), asks the simulated
// processor what became of each charge and, once it has an answer, in one transaction with the
// organisation's row lock then the payment's (the order every payment takes):
// - succeeded: what an immediate success does - the prepaid part debited, the invoices paid,
//   orders fulfilled and renewals extended (`settle`), auto-renewal switched on; a deposit is
//   credited to the prepaid account; the ledger only ever gains rows;
// - declined: the payment is failed with the decline code; its invoices stay payable.
// The activity log already holds the request that made the payment (invoice_paid,
// prepaid_credited); a renewal run's charge is followed up by the run (`onSettled`).
// The payment row's status is re-read under its lock, so a charge is settled once however many
// runs (or instances) meet it. Should its invoices have been paid meanwhile by another payment,
// or the prepaid balance no longer cover the planned part, nothing is captured: the payment
// fails (`invoice_not_payable`, `insufficient_prepaid`).

export interface ChargeSummary {
  succeeded: number;
  failed: number;
}

/** A charge settled, as the renewal run hears of it (inside the settling transaction). */
export interface SettledCharge {
  payment_id: number;
  account_id: number;
  invoice_ids: number[];
  amount: number;
  currency: Currency;
  method: { id: number; kind: string; label: string } | undefined;
  at: number;
}
export type OnSettled = (trx: Trx, charge: SettledCharge) => Promise<void>;

const BATCH = 500;

/** Resolves every pending charge the processor has an answer for at `now`; one failure does not stop the others. */
export async function resolvePendingCharges(
  db: Db,
  now: number,
  onSettled?: OnSettled,
  log?: FastifyBaseLogger,
): Promise<ChargeSummary> {
  const summary: ChargeSummary = { succeeded: 0, failed: 0 };
  const pending = await paymentsRepository(db).pendingCharges(
    now - PENDING_RESOLVES_AFTER,
    RESOLVING_TOKEN_PREFIXES,
    BATCH,
  );
  for (const c of pending) {
    const outcome = pendingOutcome(c.kind, c.processor_token, Number(c.created_at), now);
    if (outcome.status === 'pending') continue;
    try {
      const resolved = await resolveCharge(
        db,
        c.account_id,
        c.id,
        outcome.status === 'failed' ? outcome.code : null,
        now,
        onSettled,
      );
      if (resolved) summary[resolved]++;
    } catch (err) {
      log?.error({ err, payment_id: c.id }, 'pending charge not resolved');
    }
  }
  return summary;
}

/** Settles (declineCode null) or fails one pending payment; undefined when it was no longer pending. */
async function resolveCharge(
  db: Db,
  accountId: number,
  paymentId: number,
  declineCode: DeclineCode | null,
  now: number,
  onSettled?: OnSettled,
) {
  return inTransaction(db, async (trx): Promise<keyof ChargeSummary | undefined> => {
    const { currency } = await chargeLocks(trx).account(accountId);
    const payment = await paymentLocks(trx).payment(accountId, paymentId);
    if (!payment || payment.status !== 'pending') return undefined;
    if (declineCode) return failPayment(trx, paymentId, declineCode);
    const payments = paymentsRepository(trx);

    const ids = (await payments.shares(paymentId)).map((s) => s.invoice_id);
    const method = payment.payment_method_id === null ? undefined : await payments.methodOf(payment.payment_method_id);
    const settling = { trx, accountId, paymentId, payment, currency, method };
    // No invoice: a deposit on the prepaid account (POST …/prepaid/credit).
    if (ids.length === 0) return settleDeposit(settling);
    return settleInvoicePayment(settling, ids, now, onSettled);
  });
}

interface Settling {
  trx: Trx;
  accountId: number;
  paymentId: number;
  payment: NonNullable<Awaited<ReturnType<PaymentLocks['payment']>>>;
  currency: Currency;
  method: Awaited<ReturnType<PaymentsRepository['methodOf']>> | undefined;
}

async function failPayment(trx: Trx, paymentId: number, code: string) {
  await paymentsRepository(trx).setFailed(paymentId, code);
  return 'failed' as const;
}

/** The deposit succeeds: the prepaid account is credited with it. */
async function settleDeposit({ trx, accountId, paymentId, payment, currency, method }: Settling) {
  await paymentsRepository(trx).setStatus(paymentId, 'succeeded');
  await chargesRepository(trx).insertLedger({
    account_id: accountId,
    amount: Number(payment.amount),
    currency,
    kind: 'credit',
    payment_id: paymentId,
    description: `Deposit by ${method?.label ?? payment.method}`,
  });
  return 'succeeded' as const;
}

/** The invoices are paid, unless one is no longer payable or the prepaid part is no longer there. */
async function settleInvoicePayment(
  { trx, accountId, paymentId, payment, currency, method }: Settling,
  ids: number[],
  now: number,
  onSettled?: OnSettled,
): Promise<keyof ChargeSummary> {
  const charges = chargesRepository(trx);
  const invoices = await chargeLocks(trx).invoices(accountId, ids);
  if (invoices.some((i) => i.status !== 'unpaid')) return failPayment(trx, paymentId, 'invoice_not_payable');
  const prepaid = Number(payment.prepaid_amount);
  if (prepaid > 0) {
    if ((await charges.balance(accountId)) < prepaid) return failPayment(trx, paymentId, 'insufficient_prepaid');
    await charges.insertLedger({
      account_id: accountId,
      amount: -prepaid,
      currency,
      kind: 'debit',
      payment_id: paymentId,
      description: `Payment ${paymentId} of invoices ${ids.join(', ')}`,
    });
  }
  await paymentsRepository(trx).setStatus(paymentId, 'succeeded');
  await settleCharged(trx, ids, now, method);
  await onSettled?.(trx, {
    payment_id: paymentId,
    account_id: accountId,
    invoice_ids: ids,
    amount: Number(payment.amount),
    currency,
    method,
    at: now,
  });
  return 'succeeded';
}
