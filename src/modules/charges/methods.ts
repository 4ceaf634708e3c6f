import type { Insertable } from 'kysely';
import type { PaymentMethodKind, PaymentMethodsTable } from '../../db/types.js';
import { behaviourOf, tokenFor } from './processor.js';

// What the saved methods are to every module that charges or shows them.

export type NewPaymentMethod = Insertable<PaymentMethodsTable>;

/** Cards (CB, Visa, Mastercard) and Twint can be charged without the customer: they renew automatically. */
export const RENEWABLE_KINDS = ['card', 'twint'] as const;
// Widened to string[] so that `includes` takes any kind (a readonly tuple's only takes its own).
const RENEWABLE_KIND_NAMES: readonly string[] = RENEWABLE_KINDS;
export const supportsAutoRenewal = (kind: PaymentMethodKind): kind is (typeof RENEWABLE_KINDS)[number] =>
  RENEWABLE_KIND_NAMES.includes(kind);

/** A Twint phone number in international form (+41…), or undefined when it is not one. */
export function normalisePhone(raw: string): string | undefined {
  let p = raw.replace(/[\s.\-()]/g, '');
  if (p.startsWith('00')) p = `+${p.slice(2)}`;
  else if (/^0[1-9]/.test(p)) p = `+41${p.slice(1)}`;
  return /^\+[1-9][0-9]{7,14}$/.test(p) ? p : undefined;
}

export const twintLabel = (phone: string) => `TWINT ${phone}`;

/** The row saved for a Twint profile: its label names the phone, its token the processor behaviour. */
export const twintMethod = (accountId: number, phone: string): NewPaymentMethod => ({
  account_id: accountId,
  kind: 'twint',
  brand: null,
  last4: null,
  exp_month: null,
  exp_year: null,
  label: twintLabel(phone),
  processor_token: tokenFor(behaviourOf('twint', phone)),
});
