import type { Currency } from '../../db/types.js';
import type { InvoicesRepository } from './invoices.repository.js';
import { DAY, invoiceNumber, PAYMENT_TERM_DAYS, VAT_BP, vatOf } from './pricing.js';

/**
 * Writes an unpaid invoice for these line amounts: subtotal, VAT at the currency's rate, total,
 * number and due date. Orders and renewals both issue theirs here; the caller adds the lines.
 */
export async function issueInvoice(
  r: InvoicesRepository,
  accountId: number,
  kind: 'order' | 'renewal',
  currency: Currency,
  amounts: number[],
  now: number,
): Promise<number> {
  const subtotal = amounts.reduce((s, a) => s + a, 0);
  const bp = VAT_BP[currency];
  const vat = vatOf(subtotal, bp);
  const id = await r.nextInvoiceId();
  await r.insertInvoice({
    id,
    account_id: accountId,
    number: invoiceNumber(id, now),
    kind,
    currency,
    subtotal,
    vat_rate_bp: bp,
    vat_amount: vat,
    total: subtotal + vat,
    issued_at: now,
    due_at: now + PAYMENT_TERM_DAYS * DAY,
  });
  return id;
}
