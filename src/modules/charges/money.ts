import { randomBytes } from 'node:crypto';
import type { Currency, PaymentChannel } from '../../db/types.js';
import { invalidField } from '../../shared/errors.js';

// Money as the mirror handles it: integer minor units (cents, centimes) of the organisation's
// currency, shown with two decimals; IBAN transfers quote a creditor reference.

export type { Currency };

/** Minor units shown as the customer reads them: 4865 CHF → "48.65 CHF". */
export const formatMoney = (minor: number, currency: Currency) => `${(minor / 100).toFixed(2)} ${currency}`;

/** The bank account IBAN transfers go to (a fictitious test account). */
export const BANK_IBAN = 'CH93 0076 2011 6238 5295 7';

/** An ISO 11649 creditor reference (RFxx…), what an IBAN transfer quotes. */
export function creditorReference(): string {
  const body = `IKM${randomBytes(6).toString('hex').toUpperCase()}`;
  const digits = `${body}RF00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = 98n - (BigInt(digits) % 97n);
  return `RF${String(check).padStart(2, '0')}${body}`;
}

/**
 * PostFinance only takes Swiss francs: saving a PostFinance method, depositing or paying with
 * one is refused (422 on `field`) for an organisation billed in another currency.
 */
export function requirePostFinanceCurrency(
  channel: PaymentChannel,
  currency: Currency,
  field: 'kind' | 'method',
): void {
  if (channel === 'postfinance' && currency !== 'CHF') {
    throw invalidField(field, 'postfinance_chf', 'PostFinance is only available to organisations billed in CHF', [
      'CHF',
    ]);
  }
}
