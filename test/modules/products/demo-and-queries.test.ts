import t from 'tap';
import type { KyselyPlugin } from 'kysely';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { createDemoProducts } from '../../factories/products.js';
import { addProduct, addTag, createMember, grantRights, tagProduct } from '../../factories/organisations.js';
import { bootstrapFirstAdmin } from '../../../src/modules/bootstrap/bootstrap.js';
import { DEMO_DOMAIN } from '../../../src/modules/products/demo-products.js';
import { productsService } from '../../../src/modules/products/products.service.js';

interface Item {
  id: number;
  service_name: string;
  fqdn: string | null;
  expired_at: number;
  currency: string;
  price_per_month: number;
  renewal_periods: number[];
  admin: { user_id: number } | null;
  is_zero_price: boolean;
}

const DAY = 86_400;

t.test('demo products and query count', async (t) => {
  const app = await buildTestApp(t);

  // First: bootstrapping needs the database still empty.
  await t.test('the first-start administrator finds demo products', async (t) => {
    const admin = await bootstrapFirstAdmin(app.db);
    t.ok(admin, 'the database was empty');
    const res = await app.inject({ method: 'GET', url: '/1/products', headers: bearer(admin!.token) });
    t.equal(res.statusCode, 200);
    const items = res.json().data as Item[];
    t.same(
      items.map((x) => x.service_name),
      ['domain', 'web_hosting', 'ksuite', 'email_hosting'],
    );
    t.equal(items[0].fqdn, DEMO_DOMAIN);
    const { currency } = await app.db
      .selectFrom('accounts')
      .select('currency')
      .where('id', '=', admin!.accountId)
      .executeTakeFirstOrThrow();
    const user = await app.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', admin!.email)
      .executeTakeFirstOrThrow();
    const now = Math.floor(Date.now() / 1000);
    const days = items.map((x) => Math.round((x.expired_at - now) / DAY));
    t.same(days, [20, 91, 335, 730], 'staggered expiry: something is due within the month');
    for (const x of items) {
      t.equal(x.currency, currency, "priced in the organisation's currency");
      t.ok(x.price_per_month > 0 && !x.is_zero_price, 'a real price in minor units');
      t.ok(x.renewal_periods.length > 0 && x.renewal_periods.every((m) => Number.isInteger(m) && m > 0));
      t.equal(x.admin?.user_id, user.id);
    }
    const soon = await app.inject({
      method: 'GET',
      url: '/1/accounts/current/products?filter[expirations][]=less_than_30_days',
      headers: bearer(admin!.token),
    });
    t.same(
      soon.json().data.map((x: Item) => x.service_name),
      ['domain'],
    );
    t.equal(await bootstrapFirstAdmin(app.db), undefined, 'a second start creates nothing');
    const count = await app.db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    t.equal(Number(count.n), 4, 'and no second set of demo products');
  });

  await t.test(
    "createDemoProducts prices in the organisation's currency, inside the caller's transaction",
    async (t) => {
      const owner = await createUser(app.db);
      await app.db.updateTable('accounts').set({ currency: 'EUR' }).where('id', '=', owner.accountId).execute();
      const ids = await app.db.transaction().execute((trx) => createDemoProducts(trx, owner.accountId, owner.id));
      t.equal(ids.length, 4);
      const res = await app.inject({
        method: 'GET',
        url: `/1/accounts/${owner.accountId}/products`,
        headers: bearer(owner.token),
      });
      t.same(
        res.json().data.map((x: Item) => x.id),
        ids,
      );
      t.ok(res.json().data.every((x: Item) => x.currency === 'EUR'));

      await t.rejects(
        app.db.transaction().execute(async (trx) => {
          await createDemoProducts(trx, owner.accountId, owner.id);
          throw new Error('boom');
        }),
      );
      const total = await app.inject({
        method: 'GET',
        url: `/1/accounts/${owner.accountId}/products?return=total`,
        headers: bearer(owner.token),
      });
      t.equal(total.json().data, 4, 'a rolled-back transaction leaves no demo product behind');
    },
  );

  await t.test('a page costs the same few queries whatever its size (no N+1)', async (t) => {
    const owner = await createUser(app.db);
    const member = await createMember(app.db, owner.accountId, 'normal');
    const tags = [await addTag(app.db, owner.accountId, 'one', 1), await addTag(app.db, owner.accountId, 'two', 1)];
    for (let i = 0; i < 30; i++) {
      const { id } = await addProduct(app.db, owner.accountId, 'web_hosting', {
        customer_name: `p${String(i).padStart(2, '0')}`,
        admin_user_id: i % 2 ? member.id : null,
      });
      await tagProduct(app.db, id, tags[i % 2]);
      await grantRights(app.db, id, member.id, { technical: true });
    }
    let queries = 0;
    // Counted as they run: a hot list's statements are compiled once per shape (db/shaped.ts).
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        queries++;
        return args.result;
      },
    };
    const service = productsService(app.db.withPlugin(counter));
    const run = async (q: Record<string, unknown>) => {
      queries = 0;
      const r = await service.all(owner.id, q);
      return { n: queries, items: r.items.length };
    };
    const small = await run({ per_page: 2 });
    const large = await run({ per_page: 30 });
    t.same([small.items, large.items], [2, 30]);
    t.equal(large.n, small.n, 'the count does not grow with the page');
    t.ok(large.n <= 5, `at most 5 queries (count, page, tags, users, admins): ${large.n}`);
    const total = await run({ return: 'total' });
    t.equal(total.n, 1, 'return=total is one count');
    const full = await service.all(owner.id, { per_page: 30 });
    t.ok(
      full.items.every((x) => x.tags.length === 1 && x.users.length === 1 && x.admin !== null),
      'every relation was loaded',
    );
  });
});
