import { fieldError, type FieldError } from '../../shared/errors.js';
import type { Currency } from './invoices.repository.js';

// Pure rules of an order: which price applies to an item, the VAT, the invoice number.

/**
 * VAT in basis points by the organisation's currency. ik-mirror bills a CHF organisation as a
 * Swiss customer (standard Swiss rate 8.1 %) and a EUR one at a flat 20 % (the common
 * standard rate in the EU, e.g. France): the mirror knows no customer's country for billing
 * and does no reverse charge.
 */
export const VAT_BP: Record<Currency, number> = { CHF: 810, EUR: 2000 };

/** `amount × bp / 10 000`, rounded half up, in integers only. */
export const vatOf = (subtotal: number, bp: number) => Math.floor((subtotal * bp + 5000) / 10_000);

export const DAY = 86_400;
export const PAYMENT_TERM_DAYS = 30;

/** IKM-<year>-<id on 6 digits>: the invoice id comes from its sequence, so two invoices never share one. */
export const invoiceNumber = (id: number, issuedAt: number) =>
  `IKM-${new Date(issuedAt * 1000).getUTCFullYear()}-${String(id).padStart(6, '0')}`;

/** A domain's price variant: its top-level domain ('example.ch' → 'ch'). */
export const tldOf = (domain: string) => {
  const labels = domain.trim().toLowerCase().replace(/\.$/, '').split('.');
  const last = labels.at(-1);
  return labels.length >= 2 && labels.every((l) => /^[a-z0-9-]+$/.test(l) && l.length > 0) && last !== undefined
    ? last
    : null;
};

export interface PriceRow {
  service_name: string;
  variant: string;
  period_months: number;
  amount: number;
}
export interface OrderLine {
  service_name: string;
  customer_name: string;
  period_months: number;
  amount: number;
  variant: string;
}

/**
 * The price of each item in the organisation's currency; the field errors name the items
 * (`items.N.field`) and list what is allowed.
 */
export function priceItems(
  items: { service_name: string; customer_name: string; period_months: number }[],
  prices: PriceRow[],
): { lines: OrderLine[]; errors: FieldError[] } {
  const services = [...new Set(prices.map((p) => p.service_name))].sort();
  const errors: FieldError[] = [];
  const lines: OrderLine[] = [];
  items.forEach((item, i) => {
    const own = prices.filter((p) => p.service_name === item.service_name);
    if (!own.length) {
      errors.push(fieldError(`items.${i}.service_name`, 'in', `${item.service_name} cannot be ordered`, services));
      return;
    }
    let variant = '';
    if (item.service_name === 'domain') {
      const tld = tldOf(item.customer_name);
      if (!tld) {
        errors.push(fieldError(`items.${i}.customer_name`, 'domain', 'A domain name such as example.ch is expected'));
        return;
      }
      variant = own.some((p) => p.variant === tld) ? tld : '';
    }
    const allowed = own.filter((p) => p.variant === variant);
    const price = allowed.find((p) => p.period_months === item.period_months);
    if (!price) {
      const periods = allowed.map((p) => p.period_months);
      errors.push(
        fieldError(
          `items.${i}.period_months`,
          'in',
          `Allowed periods for this product: ${periods.join(', ')} months`,
          periods,
        ),
      );
      return;
    }
    lines.push({
      service_name: item.service_name,
      customer_name: item.customer_name.trim(),
      period_months: item.period_months,
      amount: Number(price.amount),
      variant,
    });
  });
  return { lines, errors };
}

export const lineDescription = (l: { service_name: string; customer_name: string; period_months: number }) =>
  `${l.service_name} ${l.customer_name}, ${l.period_months % 12 === 0 ? `${l.period_months / 12} year${l.period_months === 12 ? '' : 's'}` : `${l.period_months} month${l.period_months === 1 ? '' : 's'}`}`;

/** `from` plus whole calendar months (UTC); a day the month lacks rolls to its last day. */
export function addMonths(from: number, months: number): number {
  const d = new Date(from * 1000);
  const day = d.getUTCDate();
  const target = new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()),
  );
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return Math.floor(target.getTime() / 1000);
}
