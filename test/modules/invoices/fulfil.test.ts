import t from 'tap';
import { inTransaction } from '../../../src/db/transaction.js';
import { fulfilOrder } from '../../../src/modules/invoices/index.js';
import { serviceByName } from '../../../src/modules/products/services.js';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { invoiceUrl, orderUrl, placeOrder, setCurrency } from '../../factories/invoices.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

/** `from` plus calendar months, computed independently of the module. */
const plusMonths = (from: number, months: number) => {
  const d = new Date(from * 1000);
  const target = new Date(d);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return Math.floor(target.getTime() / 1000);
};

t.test('fulfilOrder marks the order paid and creates its products, support_premium excepted', async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  await setCurrency(app.db, org, 'CHF');
  const order = await placeOrder(app, owner.token, org, [
    { service_name: 'domain', customer_name: 'Shop.ch', period_months: 36 },
    { service_name: 'domain', customer_name: 'shop.com', period_months: 12 },
    { service_name: 'web_hosting', customer_name: 'Shop site', period_months: 1 },
    { service_name: 'support_premium', customer_name: 'Premium', period_months: 12 },
  ]);
  const now = 1_798_675_200; // 2026-12-31 00:00 UTC: month ends roll to the last day.
  const result = await inTransaction(app.db, (trx) => fulfilOrder(trx, order.id, now));
  t.equal(result.products.length, 3);

  const products = await app.db
    .selectFrom('products')
    .selectAll()
    .where('account_id', '=', org)
    .orderBy('id')
    .execute();
  t.equal(products.length, 3);
  const [ch, com, hosting] = products;
  t.match(ch, {
    service_id: serviceByName('domain')!.id,
    service_name: 'domain',
    customer_name: 'Shop.ch',
    internal_name: 'Shop.ch',
    fqdn: 'shop.ch',
    renewal_periods: [12, 24, 36, 48, 60, 72, 84, 96, 108, 120],
    price_per_month: 125,
    currency: 'CHF',
    expired_at: plusMonths(now, 36),
  });
  t.equal(ch.expired_at, Date.UTC(2029, 11, 31) / 1000);
  t.match(com, {
    fqdn: 'shop.com',
    renewal_periods: [12],
    price_per_month: 150,
    expired_at: Date.UTC(2027, 11, 31) / 1000,
  });
  t.match(hosting, {
    service_id: serviceByName('web_hosting')!.id,
    service_name: 'web_hosting',
    fqdn: null,
    renewal_periods: [1, 12],
    price_per_month: 1000,
    expired_at: Date.UTC(2027, 0, 31) / 1000,
  });

  const got = (await call(app, owner.token, 'GET', orderUrl(org, order.id))).json().data;
  t.match(got, { status: 'paid', paid_at: now });
  t.same(
    got.items.map((i: { product_id: number | null }) => i.product_id),
    [ch.id, com.id, hosting.id, null],
  );
  const inv = (await call(app, owner.token, 'GET', invoiceUrl(org, order.invoice_id))).json().data;
  t.same(
    inv.lines.map((l: { product_id: number | null }) => l.product_id),
    [ch.id, com.id, hosting.id, null],
  );

  const statusOf = (p: Promise<unknown>) =>
    p.then(
      () => 0,
      (err: { statusCode?: number }) => err.statusCode ?? -1,
    );
  t.equal(
    await statusOf(inTransaction(app.db, (trx) => fulfilOrder(trx, order.id, now))),
    409,
    'a paid order is not fulfilled twice',
  );
  t.equal((await app.db.selectFrom('products').select('id').where('account_id', '=', org).execute()).length, 3);
  t.equal(await statusOf(inTransaction(app.db, (trx) => fulfilOrder(trx, 999_999))), 404);
});

t.test('fulfilOrder in a transaction that rolls back leaves the order pending and no product', async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const order = await placeOrder(app, owner.token, org, [
    { service_name: 'ksuite', customer_name: 'Team', period_months: 12 },
  ]);
  await t.rejects(
    inTransaction(app.db, async (trx) => {
      await fulfilOrder(trx, order.id);
      throw new Error('payment failed');
    }),
    /payment failed/,
  );
  t.equal((await call(app, owner.token, 'GET', orderUrl(org, order.id))).json().data.status, 'pending');
  t.equal((await app.db.selectFrom('products').select('id').where('account_id', '=', org).execute()).length, 0);
  const before = Math.floor(Date.now() / 1000);
  await inTransaction(app.db, (trx) => fulfilOrder(trx, order.id));
  const p = await app.db.selectFrom('products').selectAll().where('account_id', '=', org).executeTakeFirstOrThrow();
  t.ok(p.expired_at! >= plusMonths(before, 12) && p.expired_at! <= plusMonths(before + 5, 12), 'a year from now');
  t.equal(
    p.price_per_month,
    Math.round(
      (
        await app.db
          .selectFrom('prices')
          .select('amount')
          .where('service_name', '=', 'ksuite')
          .where('currency', '=', p.currency)
          .where('period_months', '=', 12)
          .executeTakeFirstOrThrow()
      ).amount / 12,
    ),
  );
});
