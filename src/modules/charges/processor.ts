import { randomBytes } from 'node:crypto';
import type { PaymentMethodKind } from '../../db/types.js';

// A simulated payment processor: no network, deterministic by test number, like Stripe's test
// cards. Saving a method turns the card number / handle into a `processor_token` that encodes
// the behaviour; the number itself is never stored.
//
// Cards (any expiry in the future, any 3-4 digit CVC):
//   4242424242424242  visa        succeeds
//   5555555555554444  mastercard  succeeds
//   2223003122003222  mastercard  succeeds (2-series)
//   4035501000000008  cb          succeeds (Cartes Bancaires test number)
//   4000000000000002  visa        declined: card_declined
//   4000000000009995  visa        declined: insufficient_funds
//   4000000000000259  visa        stays pending (never resolves)
//   4000000000003063  visa        pending, succeeds 5 minutes later (mirror time)
//   4000000000003097  visa        pending, declined 5 minutes later: card_declined
//   any other Luhn-valid Visa / Mastercard number succeeds.
// Twint (phone), PayPal and PostFinance (email):
//   +41790000002 / decline@example.test           declined: declined
//   +41790009995 / insufficient@example.test      declined: insufficient_funds
//   +41790000259 / pending@example.test           stays pending (never resolves)
//   +41790003063 / pending-succeeds@example.test  pending, succeeds 5 minutes later
//   +41790003097 / pending-declines@example.test  pending, declined 5 minutes later: declined
//   anything else succeeds.
// A pending charge is resolved on the mirror's clock (`pendingOutcome`): the job that runs on
// every clock move and periodically (payments/pending-charges.ts) asks what became of it.

const BEHAVIOURS = ['ok', 'declined', 'insufficient', 'pending', 'settles', 'lapses'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];
// Widened to string[] so that `includes` takes any string (a readonly tuple's only takes its own).
const BEHAVIOUR_NAMES: readonly string[] = BEHAVIOURS;
const isBehaviour = (name: string | undefined): name is Behaviour =>
  name !== undefined && BEHAVIOUR_NAMES.includes(name);
export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'declined';
export type CardBrand = 'visa' | 'mastercard' | 'cb';

export const TEST_CARDS: Record<string, Behaviour> = {
  '4000000000000002': 'declined',
  '4000000000009995': 'insufficient',
  '4000000000000259': 'pending',
  '4000000000003063': 'settles',
  '4000000000003097': 'lapses',
};
export const CB_TEST_NUMBERS = new Set(['4035501000000008']);
export const TEST_PHONES: Record<string, Behaviour> = {
  '+41790000002': 'declined',
  '+41790009995': 'insufficient',
  '+41790000259': 'pending',
  '+41790003063': 'settles',
  '+41790003097': 'lapses',
};
export const TEST_EMAILS: Record<string, Behaviour> = {
  'decline@example.test': 'declined',
  'insufficient@example.test': 'insufficient',
  'pending@example.test': 'pending',
  'pending-succeeds@example.test': 'settles',
  'pending-declines@example.test': 'lapses',
};

/** The Luhn checksum every card number carries. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The network of a card number: visa 4…, mastercard 51-55… or 2221-2720…, cb by its test numbers. */
export function detectBrand(digits: string): CardBrand | undefined {
  if (CB_TEST_NUMBERS.has(digits)) return 'cb';
  if (digits.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(digits)) return 'mastercard';
  const six = Number(digits.slice(0, 6));
  if (six >= 222100 && six <= 272099) return 'mastercard';
  return undefined;
}

export function behaviourOf(kind: PaymentMethodKind, identifier: string): Behaviour {
  if (kind === 'card') return TEST_CARDS[identifier] ?? 'ok';
  if (kind === 'twint') return TEST_PHONES[identifier] ?? 'ok';
  return TEST_EMAILS[identifier.toLowerCase()] ?? 'ok';
}

/** The opaque token saved with a method: `pmt_<behaviour>_<random>`. */
export const tokenFor = (behaviour: Behaviour) => `pmt_${behaviour}_${randomBytes(8).toString('hex')}`;

export class ProcessorDecline extends Error {
  constructor(
    readonly code: DeclineCode,
    readonly reference: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ChargeRequest {
  kind: PaymentMethodKind;
  token: string;
  amount: number;
  currency: 'EUR' | 'CHF';
}

export interface ChargeResult {
  status: 'succeeded' | 'pending';
  reference: string;
}

function behaviourOfToken(token: string): Behaviour {
  const m = /^pmt_(ok|declined|insufficient|pending|settles|lapses)_[0-9a-f]+$/.exec(token);
  // The pattern's group is one of the Behaviour names.
  const behaviour = m?.[1];
  if (!isBehaviour(behaviour)) throw new Error('unknown processor token');
  return behaviour;
}

const declineCodeOf = (kind: PaymentMethodKind): DeclineCode => (kind === 'card' ? 'card_declined' : 'declined');

/** How long a pending charge that resolves stays pending, in seconds of mirror time. */
export const PENDING_RESOLVES_AFTER = 5 * 60;

/** The token prefixes of the methods whose pending charges resolve (the others stay pending). */
export const RESOLVING_TOKEN_PREFIXES = ['pmt_settles_', 'pmt_lapses_'] as const;

export type PendingOutcome = { status: 'pending' } | { status: 'succeeded' } | { status: 'failed'; code: DeclineCode };

/** What became, by `now`, of a charge the processor answered pending at `chargedAt`. */
export function pendingOutcome(kind: PaymentMethodKind, token: string, chargedAt: number, now: number): PendingOutcome {
  const behaviour = behaviourOfToken(token);
  if (now < chargedAt + PENDING_RESOLVES_AFTER) return { status: 'pending' };
  if (behaviour === 'settles') return { status: 'succeeded' };
  if (behaviour === 'lapses') return { status: 'failed', code: declineCodeOf(kind) };
  return { status: 'pending' };
}

/** Charges a saved method; throws ProcessorDecline when the method's behaviour says so. */
export function charge(req: ChargeRequest): ChargeResult {
  const behaviour = behaviourOfToken(req.token);
  if (!Number.isInteger(req.amount) || req.amount <= 0) throw new Error('charge amount must be a positive integer');
  const reference = `ch_${randomBytes(10).toString('hex')}`;
  switch (behaviour) {
    case 'ok':
      return { status: 'succeeded', reference };
    case 'pending':
    case 'settles':
    case 'lapses':
      return { status: 'pending', reference };
    case 'insufficient':
      throw new ProcessorDecline('insufficient_funds', reference, 'The payment was declined: insufficient funds');
    case 'declined':
      throw new ProcessorDecline(declineCodeOf(req.kind), reference, 'The payment was declined');
  }
}
