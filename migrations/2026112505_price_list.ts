import type { Kysely } from 'kysely';

// The price list, per currency, in minor units for the whole period (not per month).
// Domains: a `.ch` name may be paid 1 to 10 years at once (variant 'ch'); every other TLD
// (variant '') one year at a time. Hosting and kSuite also monthly; the rest yearly.
type Row = { service_name: string; variant: string; period_months: number; CHF: number; EUR: number };

const rows: Row[] = [
  ...Array.from({ length: 10 }, (_, i) => ({
    service_name: 'domain',
    variant: 'ch',
    period_months: 12 * (i + 1),
    CHF: 1500 * (i + 1),
    EUR: 1400 * (i + 1),
  })),
  { service_name: 'domain', variant: '', period_months: 12, CHF: 1800, EUR: 1600 },
  { service_name: 'web_hosting', variant: '', period_months: 1, CHF: 1000, EUR: 950 },
  { service_name: 'web_hosting', variant: '', period_months: 12, CHF: 9900, EUR: 9500 },
  { service_name: 'ksuite', variant: '', period_months: 1, CHF: 500, EUR: 480 },
  { service_name: 'ksuite', variant: '', period_months: 12, CHF: 5400, EUR: 5200 },
  { service_name: 'email_hosting', variant: '', period_months: 12, CHF: 2100, EUR: 2000 },
  { service_name: 'support_premium', variant: '', period_months: 12, CHF: 49000, EUR: 46000 },
  { service_name: 'certificate', variant: '', period_months: 12, CHF: 3900, EUR: 3700 },
  { service_name: 'drive', variant: '', period_months: 12, CHF: 5900, EUR: 5600 },
  { service_name: 'swiss_backup', variant: '', period_months: 12, CHF: 1200, EUR: 1150 },
  { service_name: 'website_builder', variant: '', period_months: 12, CHF: 7200, EUR: 6900 },
];

export async function up(db: Kysely<any>): Promise<void> {
  await db
    .insertInto('prices')
    .values(
      rows.flatMap((r) =>
        (['CHF', 'EUR'] as const).map((currency) => ({
          service_name: r.service_name,
          variant: r.variant,
          currency,
          period_months: r.period_months,
          amount: r[currency],
        })),
      ),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('prices').execute();
}
