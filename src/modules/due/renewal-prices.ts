import { tldOf, type PriceRow } from '../invoices/index.js';

// Which prices of the list apply to an existing product when it is renewed.

export interface RenewableProduct {
  service_name: string;
  customer_name: string;
  fqdn: string | null;
}

/** The product's price variant: a domain's TLD when the list prices it (`ch`), else ''. */
export function variantOf(p: RenewableProduct, prices: PriceRow[]) {
  if (p.service_name !== 'domain') return '';
  const tld = tldOf(p.fqdn ?? p.customer_name);
  return tld && prices.some((x) => x.service_name === 'domain' && x.variant === tld) ? tld : '';
}

/** The periods the product may be renewed for and their price, shortest first. */
export function renewalPeriods(p: RenewableProduct, prices: PriceRow[]) {
  const variant = variantOf(p, prices);
  return prices
    .filter((x) => x.service_name === p.service_name && x.variant === variant)
    .map((x) => ({ period_months: x.period_months, amount: Number(x.amount) }))
    .sort((a, b) => a.period_months - b.period_months);
}
