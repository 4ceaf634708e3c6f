import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { presence, upstreamFields, upstreamKeys } from '../reference/upstream.js';
import { serviceByName } from '../../../src/modules/products/services.js';
import { productWorld } from '../../factories/products.js';

interface Item {
  id: number;
  account_id: number;
  rights: Record<string, boolean>;
  [k: string]: unknown;
}

t.test('GET /1/products', async (t) => {
  const app = await buildTestApp(t);
  const w = await productWorld(app.db);
  const { p1, p2, p3, p4, p5, p7, b1 } = w.p;
  const get = (url: string, token = w.alice.token) => app.inject({ method: 'GET', url, headers: bearer(token) });
  const ids = async (url: string, token = w.alice.token) => {
    const res = await get(url, token);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return (res.json().data as Item[]).map((x) => x.id);
  };

  t.test('each product carries every upstream field, plus what billing needs', async (t) => {
    const res = (await get('/1/products')).json();
    const fields = upstreamFields('GET', '/1/products');
    t.ok(fields.length >= 50, 'the upstream field list is read');
    for (const item of res.data) {
      const { missing } = presence(item, fields);
      t.same(missing, [], `product ${item.id}`);
      for (const k of upstreamKeys('GET', '/1/products')) t.ok(k in item, k);
    }
    const one = res.data.find((x: Item) => x.id === p1);
    t.same(
      { ...one, users: undefined },
      {
        id: p1,
        account_id: w.A,
        service_id: serviceByName('domain')!.id,
        service_name: 'domain',
        customer_name: 'alpha.ch',
        internal_name: 'dom-1',
        created_at: 1_700_000_000,
        expired_at: one.expired_at,
        deleted_at: null,
        version: 1,
        has_maintenance: false,
        is_locked: false,
        has_operation_in_progress: false,
        tags: [
          { id: w.tags.blue, name: 'blue', color: 3, product_count: 2 },
          { id: w.tags.red, name: 'red', color: 7, product_count: 1 },
        ],
        unique_id: p1,
        description: 'The domain',
        bill_reference: 'REF-1',
        is_free: false,
        is_zero_price: false,
        is_trial: false,
        rights: { technical: true, statistic: true, check: true, sale: true },
        parent_id: null,
        parent_service_id: null,
        parent_service_name: null,
        status: {
          maintenance: { technical: false, superuser: false, infomaniak: false },
          locked: { superuser: false, infomaniak: false },
          activated_by: [],
          activated_at: 1_700_000_000,
        },
        users: undefined,
        admin: { user_id: w.ada.id, email: w.ada.email, display_name: 'Ada Admin' },
        fqdn: 'alpha.ch',
        is_managed_by_partner: false,
        flags: [],
        renew_preferences: [],
        is_transferable: true,
        renewal_periods: [12],
        price_per_month: 500,
        currency: 'CHF',
      },
    );
    const now = Math.floor(Date.now() / 1000);
    t.ok(Math.abs(one.expired_at - (now + 10 * 86_400)) < 120, 'expired_at is a Unix timestamp in seconds');
  });

  t.test('derived fields: parent, lock, maintenance, zero price, users holding rights, default admin', async (t) => {
    const data = (await get('/1/products')).json().data as Item[];
    const by = new Map(data.map((x) => [x.id, x]));
    t.same(
      [by.get(p4)!.parent_id, by.get(p4)!.parent_service_id, by.get(p4)!.parent_service_name],
      [p1, serviceByName('domain')!.id, 'domain'],
    );
    t.equal(by.get(p4)!.is_transferable, false, 'a sub-product is not transferable on its own');
    t.same(by.get(p4)!.status, {
      maintenance: { technical: false, superuser: false, infomaniak: false },
      locked: { superuser: true, infomaniak: false },
      activated_by: [],
      activated_at: by.get(p4)!.created_at,
    });
    t.equal(by.get(p2)!.has_maintenance, true);
    t.equal((by.get(p2)!.status as { maintenance: { technical: boolean } }).maintenance.technical, true);
    t.same([by.get(p5)!.is_zero_price, by.get(p5)!.is_trial, by.get(p5)!.currency], [true, true, 'EUR']);
    t.same([by.get(p7)!.is_free, by.get(p7)!.expired_at], [true, null]);
    t.same(by.get(p3)!.renewal_periods, [1, 12]);
    t.same(by.get(p4)!.users, [
      { user_id: w.nora.id, rights: { technical: false, statistic: true, check: false, sale: true } },
    ]);
    t.same(by.get(p2)!.users, [
      { user_id: w.nora.id, rights: { technical: true, statistic: false, check: false, sale: false } },
    ]);
    t.same(by.get(p3)!.users, [], 'a rights row with no right is not a user of the product');
    t.same(
      by.get(p2)!.admin,
      { user_id: w.alice.id, email: w.alice.email, display_name: 'Alice Owner' },
      'without an admin, the legal responsible',
    );
  });

  t.test(
    'visibility: owner and admin see all of their organisation, normal only their rights, never another organisation',
    async (t) => {
      t.same(await ids('/1/products'), [...w.allA, b1], 'owner of A, and a normal member of B with a right on b1');
      t.same(await ids('/1/products', w.ada.token), w.allA, 'admin of A');
      t.same(await ids('/1/products', w.nora.token), [p2, p4], 'normal member: only products with a right');
      t.same(await ids('/1/products', w.bob.token), [b1, w.p.b2], 'owner of B: nothing of A');
      const alicesB1 = ((await get('/1/products?account_id=' + w.B)).json().data as Item[])[0];
      t.same(
        alicesB1.rights,
        { technical: false, statistic: false, check: true, sale: false },
        "the caller's own rights as a normal member",
      );
      const nora = (await get('/1/products', w.nora.token)).json().data as Item[];
      t.same(
        nora.map((x) => x.rights),
        [
          { technical: true, statistic: false, check: false, sale: false },
          { technical: false, statistic: true, check: false, sale: true },
        ],
      );
      const adas = (await get('/1/products', w.ada.token)).json().data as Item[];
      t.ok(
        adas.every((x) => Object.values(x.rights).every(Boolean)),
        'an administrator holds every right',
      );
    },
  );

  t.test('filters', async (t) => {
    t.same(await ids(`/1/products?account_id=${w.A}`), w.allA);
    t.same(await ids(`/1/products?account_id=${w.B}`), [b1], 'a normal member of B sees only b1');
    t.same(await ids(`/1/products?account_id=${w.B}`, w.ada.token), [], 'not a member: nothing');
    t.same(await ids('/1/products?customer_name=HA'), [p1, p3], 'contains, case-insensitive');
    t.same(await ids('/1/products?customer_name=%25'), [], 'LIKE wildcards are literal');
    t.same(await ids('/1/products?customer_name=_'), [], 'underscore is literal');
    t.same(await ids('/1/products?internal_name=web'), [p2]);
    t.same(await ids('/1/products?fqdn=alpha.ch'), [p1, p2, p4]);
    t.same(await ids('/1/products?fqdn=www.'), [p2]);
    t.same(await ids(`/1/products?product_id=${p3}`), [p3]);
    t.same(await ids(`/1/products?product_id=${p3}`, w.nora.token), [], 'no right on it: not found by id either');
    t.same(await ids(`/1/products?service_id=${serviceByName('domain')!.id}`), [p1, b1]);
    t.same(await ids('/1/products?service_name=ksuite'), [p3]);
    t.same(
      await ids(`/1/products?service_id=${serviceByName('domain')!.id}&service_name=ksuite`),
      [],
      'both must hold',
    );
    t.same(await ids(`/1/products?service_name=domain&account_id=${w.A}&fqdn=alpha`), [p1]);
    for (const bad of ['service_id=5', 'service_name=mainframe', 'account_id=abc', 'product_id=0']) {
      const res = await get(`/1/products?${bad}`);
      t.equal(res.statusCode, 422, bad);
      t.equal(res.json().error.code, 'validation_failed', bad);
    }
  });

  t.test('pagination and return=total', async (t) => {
    const page2 = (await get('/1/products?per_page=2&page=2')).json();
    t.same(
      page2.data.map((x: Item) => x.id),
      [p3, p4],
    );
    t.same([page2.total, page2.page, page2.pages, page2.items_per_page], [7, 2, 4, 2]);
    const last = (await get('/1/products?per_page=2&page=4')).json();
    t.same(
      last.data.map((x: Item) => x.id),
      [b1],
    );
    const beyond = (await get('/1/products?per_page=2&page=9')).json();
    t.same([beyond.data, beyond.total], [[], 7]);
    const skip = (await get('/1/products?limit=3&skip=3')).json();
    t.same(
      skip.data.map((x: Item) => x.id),
      [p4, p5, p7],
    );
    t.same([skip.total, skip.page, skip.items_per_page], [7, 2, 3]);
    const total = (await get('/1/products?return=total')).json();
    t.same(total, { result: 'success', data: 7 });
    t.same((await get('/1/products?return=total', w.nora.token)).json().data, 2);
    const filteredTotal = (await get('/1/products?return=total&service_name=domain')).json();
    t.equal(filteredTotal.data, 2);
    const tooFar = await get('/1/products?per_page=1000&page=11');
    t.equal(tooFar.statusCode, 400);
    t.equal(tooFar.json().error.code, 'results_set_too_large_error');
  });

  t.test('sorting', async (t) => {
    t.same(await ids(`/1/products?account_id=${w.A}&order_by=customer_name&order=desc`), [p7, p5, p4, p3, p2, p1]);
    t.same(await ids(`/1/products?account_id=${w.A}&order_by=expired_at`), [p5, p1, p2, p3, p4, p7], 'no expiry last');
    t.same(await ids(`/1/products?account_id=${w.A}&order_for[expired_at]=desc`), [p7, p4, p3, p2, p1, p5]);
    t.same(await ids('/1/products?order_by=service_name,customer_name'), [p7, p1, b1, p5, p4, p3, p2]);
    t.same(await ids('/1/products?order_by=account_id&order_for[account_id]=desc&order_for[id]=desc'), [
      b1,
      p7,
      p5,
      p4,
      p3,
      p2,
      p1,
    ]);
    const bad = await get('/1/products?order_by=price');
    t.equal(bad.statusCode, 422);
    t.equal(bad.json().error.errors[0].context.attribute, 'order_by');
    t.ok(bad.json().error.errors[0].context.values.includes('expired_at'), 'the sortable fields are listed');
  });

  t.test('with', async (t) => {
    const plain = (await get('/1/products')).json().data as Item[];
    t.notOk('account' in plain[0], 'the organisation only on request');
    const withAccount = (await get('/1/products?with=account')).json().data as Item[];
    t.same(
      withAccount.map((x) => x.account),
      [...w.allA.map(() => ({ id: w.A, name: `Org of ${w.alice.email}` })), { id: w.B, name: `Org of ${w.bob.email}` }],
    );
    const star = (await get('/1/products?with=*')).json().data as Item[];
    t.ok(
      star.every((x) => x.account),
      'with=* loads every relation',
    );
    const always = await get('/1/products?with[]=tags&with[]=users&with[]=admin');
    t.equal(always.statusCode, 200, 'relations that are always present are accepted');
    const bad = await get('/1/products?with=account,invoices');
    t.equal(bad.statusCode, 422);
    t.same(bad.json().error.errors[0].context, {
      attribute: 'with',
      values: ['account', 'admin', 'fqdn', 'tags', 'users'],
    });
  });

  // No token and no scope are the isolation matrix's (test/modules/isolation.test.ts).
  t.test('without a version, v1 answers', async (t) => {
    const latest = await get('/products');
    t.equal(latest.statusCode, 200, 'without a version, v1 answers');
  });
});
