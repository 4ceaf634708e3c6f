import type { Answer } from '../api-client.js';
import type { Signed } from '../context.js';

// What the auto-renewal pages read of the API, as the API answers it: the organisation (its
// name and currency), its products' auto-renewal, the price of each renewal period, and the
// renewal run's last attempts.

export interface Organisation {
  id: number;
  name: string;
  currency: string;
}

export interface Renewal {
  product_id: number;
  service_name: string;
  customer_name: string;
  expired_at: number | null;
  enabled: boolean;
  payment_method: { id: number; kind: string; label: string } | null;
  period_months: number | null;
  next_attempt_at: number | null;
  is_locked: boolean;
}

export interface Attempt {
  id: number;
  product_id: number;
  status: 'succeeded' | 'failed' | 'locked';
  new_expired_at: number | null;
  amount: number | null;
  currency: string;
  failure_code: string | null;
  created_at: number;
}

interface Due {
  products: { id: number; renewal_periods: { period_months: number; amount: number }[] }[];
}

/** Each product's price of each period it renews for, by product id. */
export type Prices = Map<number, Map<number, number>>;

export interface RenewalsData {
  org: Organisation;
  renewals: Renewal[];
  prices: Prices;
  attempts: Attempt[];
}

/** The page's data, or the answer that refused it (the organisation's, or the first list's). */
export type Loaded = { data: RenewalsData } | { refused: Answer<unknown>; org?: Organisation };

const accountUrl = (accountId: number) => `/1/accounts/${accountId}`;
const LAST_ATTEMPTS = 20;

function pricesOf(due: Due | undefined): Prices {
  const prices: Prices = new Map();
  for (const p of due?.products ?? [])
    prices.set(p.id, new Map(p.renewal_periods.map((r) => [r.period_months, r.amount])));
  return prices;
}

export async function organisationOf(signed: Signed, accountId: number) {
  return signed.api<Organisation>('GET', accountUrl(accountId));
}

export async function renewalsOf(signed: Signed, accountId: number) {
  return signed.api<Renewal[]>('GET', `${accountUrl(accountId)}/auto_renewal?per_page=1000`);
}

export async function loadRenewals(signed: Signed, accountId: number): Promise<Loaded> {
  const org = await organisationOf(signed, accountId);
  if (!org.ok) return { refused: org };
  const [renewals, due, attempts] = await Promise.all([
    renewalsOf(signed, accountId),
    signed.api<Due>('GET', `${accountUrl(accountId)}/billing/due?window=all`),
    signed.api<Attempt[]>('GET', `${accountUrl(accountId)}/renewal_attempts?per_page=${LAST_ATTEMPTS}`),
  ]);
  if (!renewals.ok) return { refused: renewals, org: org.data };
  return {
    data: {
      org: org.data,
      renewals: renewals.data,
      // The prices and the attempts complete the page; without them it still shows the products.
      prices: pricesOf(due.ok ? due.data : undefined),
      attempts: attempts.ok ? attempts.data : [],
    },
  };
}
