import type { Currency, PaymentChannel, PaymentMethodKind } from '../../db/types.js';
import { AppError } from '../../shared/errors.js';
import { chargesRepository, type Trx } from './charges.repository.js';
import { charge, ProcessorDecline, type ChargeResult } from './processor.js';

// The one way to charge a saved method, and the one decline policy, for deposits, payments
// and the renewal run alike.

/** What the processor answered: the money taken (or pending), or a decline. */
export type ChargeOutcome = ChargeResult | { status: 'declined'; decline: ProcessorDecline };

/** Charges a saved method. A decline is an outcome, not an exception: every caller records it with `recordDecline`. */
export function chargeMethod(
  method: { kind: PaymentMethodKind; processor_token: string },
  amount: number,
  currency: Currency,
): ChargeOutcome {
  try {
    return charge({ kind: method.kind, token: method.processor_token, amount, currency });
  } catch (err) {
    if (err instanceof ProcessorDecline) return { status: 'declined', decline: err };
    throw err;
  }
}

/** Who was charged what, as the failed payment row records it. */
export interface DeclinedCharge {
  account_id: number;
  method: PaymentChannel;
  payment_method_id: number | null;
  currency: Currency;
  /** What the payment was to settle (a prepaid part planned with it is not taken). */
  amount: number;
  created_by_id: number | null;
  /** The invoices it was for (none for a deposit). */
  shares: { invoice_id: number; amount: number }[];
}

/**
 * The decline policy. Nothing of the charge has been written when the processor declines; in
 * the charge's own transaction the failed payment is recorded (with its decline code and
 * reference, no prepaid part, linked to the invoices it was for) and that transaction commits,
 * the failed row being the only trace. The caller ends there: a request answers `error`
 * (402 payment_declined, stored with an idempotency key) after the commit; the renewal run
 * records a failed attempt.
 */
export async function recordDecline(trx: Trx, charged: DeclinedCharge, decline: ProcessorDecline) {
  const repo = chargesRepository(trx);
  const { shares, ...row } = charged;
  const failed = {
    ...row,
    status: 'failed' as const,
    prepaid_amount: 0,
    processor_reference: decline.reference,
    failure_code: decline.code,
  };
  // A failed payment pays nothing: recordPayment writes only its row and its invoices.
  const payment = shares.length
    ? await repo.recordPayment({ payment: failed, shares, paidAt: 0 })
    : await repo.insertPayment(failed);
  const error = new AppError('payment_declined', decline.message, {
    decline_code: decline.code,
    payment_id: payment.id,
  });
  return { paymentId: payment.id, error };
}
