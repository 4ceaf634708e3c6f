import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, needsPostgres, sameDatabase, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { CARDS, saveCard } from '../../factories/billing.js';
import { addDomain, DAY, productAutoRenewalUrl } from '../../factories/renewals.js';

// Two instances of the server on one database, over real HTTP, told to run the renewal job at
// the same moment, several times: every product is charged exactly once for its period.

const ORGS = 3;
const PRODUCTS_PER_ORG = 12;

t.test(
  'two instances ticking at once never charge a product twice',
  needsPostgres('two instances are two connection pools whose renewal runs overlap'),
  async (t) => {
    const database = await testDatabase(t);
    const one = await buildTestApp(t, { database });
    const two = await buildTestApp(t, { database: sameDatabase(t, database) });

    const products: number[] = [];
    for (let o = 0; o < ORGS; o++) {
      const u = await createUser(one.db);
      const card = await saveCard(one, u.token, u.accountId, CARDS.visa);
      for (let i = 0; i < PRODUCTS_PER_ORG; i++) {
        const id = await addDomain(one.db, u.accountId, 20);
        const on = await one.inject({
          method: 'PUT',
          url: productAutoRenewalUrl(u.accountId, id),
          headers: bearer(u.token),
          payload: { enabled: true, payment_method_id: card },
        });
        t.equal(on.statusCode, 200);
        products.push(id);
      }
    }
    const before = await one.db
      .selectFrom('products')
      .select(['id', 'expired_at'])
      .where('id', 'in', products)
      .execute();
    const expiry = Math.max(...before.map((p) => Number(p.expired_at)));

    const urls = [await one.listen({ host: '127.0.0.1', port: 0 }), await two.listen({ host: '127.0.0.1', port: 0 })];
    const tick = (url: string, at: number) =>
      fetch(`${url}/_mirror/clock`, {
        method: 'PUT',
        headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
        body: JSON.stringify({ now: at }),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { data: { renewals: { succeeded: number; failed: number; locked: number } } },
      }));

    let succeeded = 0;
    for (const at of [expiry - 13 * DAY, expiry - 13 * DAY + 5, expiry - 12 * DAY]) {
      const answers = await Promise.all([tick(urls[0], at), tick(urls[1], at), tick(urls[0], at), tick(urls[1], at)]);
      for (const a of answers) {
        t.equal(a.status, 200);
        t.same(a.body.data.renewals.failed + a.body.data.renewals.locked, 0);
        succeeded += a.body.data.renewals.succeeded;
      }
    }
    t.equal(succeeded, products.length, 'the runs together renewed each product once');

    const attempts = await one.db
      .selectFrom('renewal_attempts')
      .select(['product_id', 'status'])
      .where('product_id', 'in', products)
      .execute();
    t.equal(attempts.length, products.length, 'one attempt per product');
    t.same(new Set(attempts.map((a) => a.product_id)).size, products.length);
    const payments = await one.db
      .selectFrom('payments')
      .select(['id', 'status'])
      .where('created_by_id', 'is', null)
      .execute();
    t.equal(payments.length, products.length, 'one charge per product');
    const invoices = await one.db
      .selectFrom('invoices')
      .select(['id', 'status'])
      .where('kind', '=', 'renewal')
      .execute();
    t.equal(invoices.length, products.length, 'one renewal invoice per product');
    t.ok(invoices.every((i) => i.status === 'paid'));
    const after = new Map(
      (await one.db.selectFrom('products').select(['id', 'expired_at']).where('id', 'in', products).execute()).map(
        (p) => [p.id, Number(p.expired_at)],
      ),
    );
    for (const p of before) {
      const years = (after.get(p.id)! - Number(p.expired_at)) / (365 * DAY);
      if (years < 0.99 || years > 1.01) t.fail(`product ${p.id} moved by ${years.toFixed(3)} years`);
    }
    t.pass('every expiry moved by exactly one period');
  },
);

t.test('the database refuses a second successful renewal of the same expiry', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const id = await addDomain(app.db, u.accountId, 20);
  const row = {
    account_id: u.accountId,
    product_id: id,
    for_expired_at: 1_900_000_000,
    status: 'succeeded' as const,
    currency: 'CHF' as const,
  };
  await app.db.insertInto('renewal_attempts').values(row).execute();
  await t.rejects(app.db.insertInto('renewal_attempts').values(row).execute(), 'a second success for that expiry');
  await app.db
    .insertInto('renewal_attempts')
    .values({ ...row, status: 'failed' })
    .execute();
  t.pass('failures may repeat');
});
