import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { serviceByName } from '../../../src/modules/products/services.js';
import { productWorld } from '../../factories/products.js';

const sid = (name: Parameters<typeof serviceByName>[0]) => serviceByName(name)!.id;

t.test('GET /1/accounts/{account_id}/products and /1/accounts/current/products', async (t) => {
  const app = await buildTestApp(t);
  const w = await productWorld(app.db);
  const { p1, p2, p3, p4, p5, p7, b1, b2 } = w.p;
  const A = `/1/accounts/${w.A}/products`;
  const get = (url: string, token = w.alice.token) => app.inject({ method: 'GET', url, headers: bearer(token) });
  const ids = async (url: string, token = w.alice.token) => {
    const res = await get(url, token);
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return (res.json().data as { id: number }[]).map((x) => x.id);
  };

  t.test('visibility per role', async (t) => {
    t.same(await ids(A), w.allA, 'owner: every live product, the deleted one excluded');
    t.same(await ids(A, w.ada.token), w.allA, 'admin: every live product');
    t.same(await ids(A, w.nora.token), [p2, p4], 'normal: those with a right');
    t.same(await ids(`/1/accounts/${w.B}/products`), [b1], 'alice is a normal member of B');
    t.same(await ids(`/1/accounts/${w.B}/products`, w.bob.token), [b1, b2]);
    const page = (await get(A, w.nora.token)).json();
    t.same([page.total, page.page, page.pages], [2, 1, 1]);
    t.same(page.data[1].rights, { technical: false, statistic: true, check: false, sale: true });
    t.same(page.data[1].users, [
      { user_id: w.nora.id, rights: { technical: false, statistic: true, check: false, sale: true } },
    ]);
  });

  // A foreign or unknown organisation (404, nothing that tells them apart), no token and no scope
  // are the isolation matrix's (test/modules/isolation.test.ts).
  t.test('an organisation id that is not a number is 422', async (t) => {
    const bad = await get('/1/accounts/abc/products');
    t.equal(bad.statusCode, 422);
  });

  t.test('filters, as filter[x] or plain x', async (t) => {
    type Pair = [string, string | number];
    const cases: [Pair[], number[]][] = [
      [[['customer_name', 'CHARLIE']], [p3]],
      [[['internal_name', '-1']], w.allA],
      [[['internal_name', 'mail']], [p4]],
      [[['name', 'web']], [p2]],
      [[['name', 'delta']], [p4]],
      [[['name', '%25']], []],
      [[['service_id', sid('domain')]], [p1]],
      [
        [
          ['service_ids[]', sid('domain')],
          ['service_ids[]', sid('ksuite')],
        ],
        [p1, p3],
      ],
      [
        [
          ['excluded_service_ids[]', sid('domain')],
          ['excluded_service_ids[]', sid('drive')],
        ],
        [p2, p3, p4, p7],
      ],
      [
        [
          ['service_names[]', 'email_hosting'],
          ['service_names[]', 'backup'],
        ],
        [p4, p7],
      ],
      [[['expirations[]', 'expired']], [p5]],
      [[['expirations[]', 'less_than_30_days']], [p1]],
      [[['expirations[]', 'less_than_60_days']], [p1, p2]],
      [[['expirations[]', 'less_than_90_days']], [p1, p2, p3]],
      [[['expirations[]', 'more_than_90_days']], [p4]],
      [
        [
          ['expirations[]', 'expired'],
          ['expirations[]', 'more_than_90_days'],
        ],
        [p4, p5],
      ],
      [[['tags[]', w.tags.blue]], [p1, p2]],
      [[['tags[]', w.tags.red]], [p1]],
      [
        [
          ['tags[]', w.tags.red],
          ['tags[]', w.tags.blue],
        ],
        [p1, p2],
      ],
      [[['tags[]', w.tags.green]], []],
    ];
    for (const [pairs, expected] of cases) {
      const filtered = pairs
        .map(([k, v]) => `filter[${k.replace('[]', '')}]${k.endsWith('[]') ? '[]' : ''}=${v}`)
        .join('&');
      const plain = pairs.map(([k, v]) => `${k}=${v}`).join('&');
      t.same(await ids(`${A}?${filtered}`), expected, filtered);
      t.same(await ids(`${A}?${plain}`), expected, plain);
    }
  });

  t.test('filters combine', async (t) => {
    t.same(
      await ids(
        `${A}?filter[service_ids][]=${sid('domain')}&filter[service_ids][]=${sid('ksuite')}&filter[service_names][]=ksuite`,
      ),
      [p3],
      'service constraints intersect',
    );
    t.same(await ids(`${A}?filter[service_id]=${sid('domain')}&filter[service_names][]=ksuite`), []);
    t.same(await ids(`${A}?filter[expirations][]=less_than_90_days&filter[name]=a`), [p1, p2, p3]);
    t.same(
      await ids(
        `${A}?filter[expirations][]=less_than_90_days&filter[tags][]=${w.tags.blue}&filter[customer_name]=bravo`,
      ),
      [p2],
    );
    t.same(await ids(`${A}?filter[customer_name]=charlie&customer_name=alpha`), [p3], 'filter[x] wins over x');
    t.same(
      await ids(`${A}?service_ids=${sid('domain')}&service_ids=${sid('backup')}`),
      [p1, p7],
      'a repeated plain parameter is a list',
    );
    t.same(await ids(`${A}?filter[service_ids]=${sid('backup')}`), [p7], 'a single value is a list of one');
    t.same(
      await ids(`${A}?filter[tags][]=${w.tags.blue}`, w.nora.token),
      [p2],
      'filters never widen what a member sees',
    );
  });

  t.test('bad filter values are 422 naming the field', async (t) => {
    for (const [q, attr] of [
      ['filter[expirations][]=soon', 'filter.expirations.0'],
      ['filter[service_ids][]=5', 'filter.service_ids.0'],
      ['filter[service_names][]=mainframe', 'filter.service_names.0'],
      ['filter[tags][]=x', 'filter.tags.0'],
      ['expirations[]=expired&expirations[]=later', 'expirations.1'],
    ]) {
      const res = await get(`${A}?${q}`);
      t.equal(res.statusCode, 422, q);
      t.same(
        res.json().error.errors.map((e: { context: { attribute: string } }) => e.context.attribute),
        [attr],
        q,
      );
    }
    const listed = (await get(`${A}?filter[expirations][]=soon`)).json().error.errors[0].context.values;
    t.same(listed, ['expired', 'less_than_30_days', 'less_than_60_days', 'less_than_90_days', 'more_than_90_days']);
  });

  t.test('pagination, sorting, return=total, with', async (t) => {
    const page = (await get(`${A}?per_page=4&page=2`)).json();
    t.same(
      page.data.map((x: { id: number }) => x.id),
      [p5, p7],
    );
    t.same([page.total, page.page, page.pages, page.items_per_page], [6, 2, 2, 4]);
    t.same(await ids(`${A}?limit=2&skip=1`), [p2, p3]);
    t.same(await ids(`${A}?order_by=customer_name&order=desc&limit=2`), [p7, p5]);
    t.same(await ids(`${A}?order_for[expired_at]=asc`), [p5, p1, p2, p3, p4, p7]);
    t.same((await get(`${A}?return=total&filter[expirations][]=less_than_60_days`)).json(), {
      result: 'success',
      data: 2,
    });
    const withAccount = (await get(`${A}?with=account&limit=1`)).json().data;
    t.same(withAccount[0].account, { id: w.A, name: `Org of ${w.alice.email}` });
    t.notOk('account' in (await get(`${A}?limit=1`)).json().data[0]);
    const badWith = await get(`${A}?with=owner`);
    t.equal(badWith.statusCode, 422);
    t.equal(badWith.json().error.errors[0].context.attribute, 'with');
  });

  t.test("current: the organisation of the caller's preferences", async (t) => {
    t.same(await ids('/1/accounts/current/products'), w.allA, "alice's current organisation is A");
    t.same(await ids('/1/accounts/current/products', w.bob.token), [b1, b2]);
    t.same(await ids('/accounts/current/products'), w.allA, 'without a version too');
    t.same(await ids(`/1/accounts/current/products?filter[service_names][]=ksuite&with=account`), [p3]);
    t.same((await get('/1/accounts/current/products?return=total')).json().data, 6);

    const nora = w.nora;
    t.same(
      await ids('/1/accounts/current/products', nora.token),
      [],
      "nora's current organisation is her own, empty one",
    );
    await app.db.updateTable('users').set({ current_account_id: w.A }).where('id', '=', nora.id).execute();
    t.same(await ids('/1/accounts/current/products', nora.token), [p2, p4], "switched to A: a normal member's view");

    const loner = await createUser(app.db);
    await app.db.updateTable('users').set({ current_account_id: null }).where('id', '=', loner.id).execute();
    const none = await get('/1/accounts/current/products', loner.token);
    t.equal(none.statusCode, 404, 'no current organisation');
    t.equal(none.json().error.code, 'object_not_found');

    await app.db.updateTable('users').set({ current_account_id: w.A }).where('id', '=', loner.id).execute();
    const stale = await get('/1/accounts/current/products', loner.token);
    t.equal(stale.statusCode, 404, 'a current organisation the caller is not a member of');
    t.same(stale.json().error, none.json().error);
  });

  t.test('the static `current` route is not captured by :account_id', async (t) => {
    t.equal(app.hasRoute({ method: 'GET', url: '/1/accounts/current/products' }), true);
    const res = await get('/1/accounts/current/products');
    t.equal(res.statusCode, 200, 'not a 422 for a non-numeric account_id');
    const routed = app.printRoutes({ commonPrefix: false });
    t.match(routed, /current\/products/);
  });
});
