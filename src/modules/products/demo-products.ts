import type { Executor } from '../../db/database.js';
import { nowSeconds } from '../../shared/time.js';
import { productsRepository } from './products.repository.js';
import { serviceNamed, type ServiceName } from './services.js';

// What a newcomer finds in the first-start administrator's organisation: one product of each
// common kind, expiring at staggered dates so the renewal lists have something due soon.

interface DemoProduct {
  service: ServiceName;
  customer_name: string;
  internal_name: string;
  fqdn: string | null;
  description: string;
  expiresInDays: number;
  renewal_periods: number[];
  /** Minor units per month, in the organisation's currency. */
  price_per_month: number;
}

export const DEMO_DOMAIN = 'example-mirror.ch';

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  {
    service: 'domain',
    customer_name: DEMO_DOMAIN,
    internal_name: DEMO_DOMAIN,
    fqdn: DEMO_DOMAIN,
    description: 'Demo domain name',
    expiresInDays: 20,
    renewal_periods: [12, 24, 36, 60, 120],
    price_per_month: 125,
  },
  {
    service: 'web_hosting',
    customer_name: 'Demo web hosting',
    internal_name: 'web-hosting-1',
    fqdn: `www.${DEMO_DOMAIN}`,
    description: 'Demo web hosting',
    expiresInDays: 91,
    renewal_periods: [1, 12, 24, 36],
    price_per_month: 575,
  },
  {
    service: 'ksuite',
    customer_name: 'Demo kSuite',
    internal_name: 'ksuite-1',
    fqdn: null,
    description: 'Demo kSuite',
    expiresInDays: 335,
    renewal_periods: [1, 12],
    price_per_month: 1100,
  },
  {
    service: 'email_hosting',
    customer_name: 'Demo mail service',
    internal_name: 'mail-1',
    fqdn: DEMO_DOMAIN,
    description: 'Demo mail service',
    expiresInDays: 730,
    renewal_periods: [12, 24],
    price_per_month: 150,
  },
];

const DAY = 86_400;

/** Inserts the demo products into the organisation, priced in its currency; returns their ids in DEMO_PRODUCTS order. */
export async function createDemoProducts(trx: Executor, accountId: number, adminUserId: number): Promise<number[]> {
  const repo = productsRepository(trx);
  const currency = await repo.currencyOf(accountId);
  const now = nowSeconds();
  return repo.insert(
    DEMO_PRODUCTS.map((d) => ({
      account_id: accountId,
      service_id: serviceNamed(d.service).id,
      service_name: d.service,
      customer_name: d.customer_name,
      internal_name: d.internal_name,
      fqdn: d.fqdn,
      description: d.description,
      admin_user_id: adminUserId,
      renewal_periods: d.renewal_periods,
      price_per_month: d.price_per_month,
      currency,
      created_at: now,
      expired_at: now + d.expiresInDays * DAY,
    })),
  );
}
