import t from 'tap';
import { buildTestApp, needsPostgres, testDatabase, call } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import {
  INVOICE_FIELDS,
  invoiceUrl,
  ORDER_FIELDS,
  ORDER_ITEM_FIELDS,
  orderUrl,
  ordersUrl,
  placeOrder,
  priceOf,
  setCurrency,
} from '../../factories/invoices.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

t.test('an order in CHF: a pending order, its items and one unpaid invoice with 8.1 % VAT', async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  await setCurrency(app.db, org, 'CHF');
  const items = [
    { service_name: 'domain', customer_name: 'example.ch', period_months: 36 },
    { service_name: 'web_hosting', customer_name: 'My site', period_months: 1 },
    { service_name: 'support_premium', customer_name: 'Support', period_months: 12 },
  ];
  const before = Math.floor(Date.now() / 1000);
  const res = await call(app, owner.token, 'POST', ordersUrl(org), { items });
  t.equal(res.statusCode, 201, res.body);
  const order = res.json().data;
  t.same(Object.keys(order).sort(), ORDER_FIELDS);
  t.same(Object.keys(order.items[0]).sort(), ORDER_ITEM_FIELDS);
  const prices = [
    await priceOf(app.db, 'domain', 'ch', 'CHF', 36),
    await priceOf(app.db, 'web_hosting', '', 'CHF', 1),
    await priceOf(app.db, 'support_premium', '', 'CHF', 12),
  ];
  t.same(prices, [4500, 1000, 49000]);
  t.match(order, { status: 'pending', currency: 'CHF', paid_at: null });
  t.same(
    order.items.map((i: { amount: number; period_months: number; product_id: null }) => [
      i.amount,
      i.period_months,
      i.product_id,
    ]),
    [
      [4500, 36, null],
      [1000, 1, null],
      [49000, 12, null],
    ],
  );
  // 54 500 × 8.1 % = 4414.5 → 4415 (half up).
  t.equal(order.total, 54500 + 4415);

  const inv = (await call(app, owner.token, 'GET', invoiceUrl(org, order.invoice_id))).json().data;
  t.same(Object.keys(inv).sort(), INVOICE_FIELDS);
  t.match(inv, {
    kind: 'order',
    status: 'unpaid',
    currency: 'CHF',
    subtotal: 54500,
    vat_rate: 8.1,
    vat_amount: 4415,
    total: 58915,
    amount_paid: 0,
    amount_due: 58915,
    paid_at: null,
    order_id: order.id,
  });
  t.match(inv.number, /^IKM-\d{4}-\d{6}$/);
  t.ok(inv.issued_at >= before && inv.issued_at <= before + 5);
  t.equal(inv.due_at, inv.issued_at + 30 * 86_400);
  t.same(
    inv.lines.map((l: { service_name: string; period_months: number; amount: number; product_id: null }) => [
      l.service_name,
      l.period_months,
      l.amount,
      l.product_id,
    ]),
    [
      ['domain', 36, 4500, null],
      ['web_hosting', 1, 1000, null],
      ['support_premium', 12, 49000, null],
    ],
  );
  t.equal(inv.lines[0].description, 'domain example.ch, 3 years');

  const got = await call(app, owner.token, 'GET', orderUrl(org, order.id));
  t.same(got.json().data, order);
});

t.test('VAT arithmetic is exact in integers, half up, in both currencies', async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  await setCurrency(app.db, org, 'EUR');
  // EUR 20 %: 950 + 480 = 1430 → 286 exactly.
  let o = await placeOrder(app, owner.token, org, [
    { service_name: 'web_hosting', customer_name: 'a', period_months: 1 },
    { service_name: 'ksuite', customer_name: 'b', period_months: 1 },
  ]);
  t.equal(o.total, 1430 + 286);
  // EUR 20 % of 1150 (swiss_backup) = 230.
  o = await placeOrder(app, owner.token, org, [
    { service_name: 'swiss_backup', customer_name: 'c', period_months: 12 },
  ]);
  t.equal(o.total, 1380);
  const eurInvoice = (await call(app, owner.token, 'GET', invoiceUrl(org, o.invoice_id))).json().data;
  t.match(eurInvoice, { currency: 'EUR', vat_rate: 20, subtotal: 1150, vat_amount: 230, total: 1380 });

  const chfOwner = await createUser(app.db);
  await setCurrency(app.db, chfOwner.accountId, 'CHF');
  // CHF 8.1 %: 500 → 40.5 → 41 (half up); 1000 → 81; 1500 → 121.5 → 122; 1200 → 97.2 → 97.
  for (const [service, months, subtotal, vat] of [
    ['ksuite', 1, 500, 41],
    ['web_hosting', 1, 1000, 81],
    ['swiss_backup', 12, 1200, 97],
  ] as const) {
    const x = await placeOrder(app, chfOwner.token, chfOwner.accountId, [
      { service_name: service, customer_name: 'x', period_months: months },
    ]);
    const inv = (await call(app, chfOwner.token, 'GET', invoiceUrl(chfOwner.accountId, x.invoice_id))).json().data;
    t.match(inv, { subtotal, vat_amount: vat, total: subtotal + vat, vat_rate: 8.1 }, `${service} ${months}`);
  }
  const dom = await placeOrder(app, chfOwner.token, chfOwner.accountId, [
    { service_name: 'domain', customer_name: 'x.ch', period_months: 12 },
  ]);
  t.equal(dom.total, 1500 + 122);
});

t.test('validation: every bad item is named with what is allowed, and nothing is written', async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  await setCurrency(app.db, org, 'CHF');
  const counts = async () =>
    Promise.all(
      ['orders', 'invoices'].map(async (tb) =>
        Number(
          (
            await app.db
              .selectFrom(tb as 'orders')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('account_id', '=', org)
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ),
    );

  const res = await call(app, owner.token, 'POST', ordersUrl(org), {
    items: [
      { service_name: 'domain', customer_name: 'fine.ch', period_months: 36 },
      { service_name: 'teleportation', customer_name: 'x', period_months: 12 },
      { service_name: 'domain', customer_name: 'example.com', period_months: 36 },
      { service_name: 'web_hosting', customer_name: 'site', period_months: 6 },
      { service_name: 'domain', customer_name: 'nodot', period_months: 12 },
    ],
  });
  t.equal(res.statusCode, 422);
  t.same(failedAttributes(res.json()), [
    'items.1.service_name',
    'items.2.period_months',
    'items.3.period_months',
    'items.4.customer_name',
  ]);
  const errs = res.json().error.errors;
  t.same(errs[1].context.values, [12], '.com: 12 months only');
  t.same(errs[2].context.values, [1, 12], 'hosting: monthly or yearly');
  t.ok(errs[0].context.values.includes('support_premium') && errs[0].context.values.includes('domain'));
  t.same(await counts(), [0, 0]);

  const ch = await call(app, owner.token, 'POST', ordersUrl(org), {
    items: [{ service_name: 'domain', customer_name: 'Exemple.CH', period_months: 120 }],
  });
  t.equal(ch.statusCode, 201, '.ch for 10 years');
  const chTooLong = await call(app, owner.token, 'POST', ordersUrl(org), {
    items: [{ service_name: 'domain', customer_name: 'a.ch', period_months: 18 }],
  });
  t.same(failedAttributes(chTooLong.json()), ['items.0.period_months']);
  t.same(chTooLong.json().error.errors[0].context.values, [12, 24, 36, 48, 60, 72, 84, 96, 108, 120]);

  const empty = await call(app, owner.token, 'POST', ordersUrl(org), { items: [] });
  t.equal(empty.statusCode, 422);
  const tooMany = await call(app, owner.token, 'POST', ordersUrl(org), {
    items: Array.from({ length: 21 }, (_, i) => ({
      service_name: 'domain',
      customer_name: `d${i}.ch`,
      period_months: 12,
    })),
  });
  t.equal(tooMany.statusCode, 422);
  const twenty = await call(app, owner.token, 'POST', ordersUrl(org), {
    items: Array.from({ length: 20 }, (_, i) => ({
      service_name: 'domain',
      customer_name: `d${i}.ch`,
      period_months: 12,
    })),
  });
  t.equal(twenty.statusCode, 201);
  t.equal(twenty.json().data.items.length, 20);
  const extra = await call(app, owner.token, 'POST', ordersUrl(org), {
    items: [{ service_name: 'domain', customer_name: 'a.ch', period_months: 12, price: 1 }],
  });
  t.equal(extra.statusCode, 422);
  t.same(await counts(), [2, 2]);
});

t.test("listing orders: filter by status, pagination, return=total; another organisation's order is 404", async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const ids: number[] = [];
  for (let i = 0; i < 5; i++)
    ids.push(
      (
        await placeOrder(app, owner.token, org, [
          { service_name: 'email_hosting', customer_name: `m${i}`, period_months: 12 },
        ])
      ).id,
    );
  await app.db.updateTable('orders').set({ status: 'paid', paid_at: 1 }).where('id', 'in', ids.slice(0, 2)).execute();

  const list = await call(app, owner.token, 'GET', `${ordersUrl(org)}?per_page=2&page=1`);
  t.equal(list.statusCode, 200, list.body);
  t.match(list.json(), { total: 5, pages: 3, page: 1, items_per_page: 2 });
  t.same(
    list.json().data.map((o: { id: number }) => o.id),
    [ids[4], ids[3]],
    'newest first',
  );
  const pending = await call(app, owner.token, 'GET', `${ordersUrl(org)}?filter[status]=pending`);
  t.same(
    pending.json().data.map((o: { id: number }) => o.id),
    [ids[4], ids[3], ids[2]],
  );
  const paid = await call(app, owner.token, 'GET', `${ordersUrl(org)}?status=paid&return=total`);
  t.same(paid.json(), { result: 'success', data: 2 });
  const asc = await call(app, owner.token, 'GET', `${ordersUrl(org)}?order_by=id&order=asc&limit=2&skip=1`);
  t.same(
    asc.json().data.map((o: { id: number }) => o.id),
    [ids[1], ids[2]],
  );

  const other = await createUser(app.db);
  const foreign = await placeOrder(app, other.token, other.accountId, [
    { service_name: 'email_hosting', customer_name: 'z', period_months: 12 },
  ]);
  t.equal((await call(app, owner.token, 'GET', orderUrl(org, foreign.id))).statusCode, 404);
  t.equal((await call(app, owner.token, 'GET', invoiceUrl(org, foreign.invoice_id))).statusCode, 404);
  t.equal((await call(app, owner.token, 'GET', orderUrl(org, 999999))).statusCode, 404);
});

t.test(
  '20 concurrent orders over real HTTP: 20 orders, 20 invoices, 20 distinct numbers',
  needsPostgres('distinct numbers under overlapping transactions is what is tested'),
  async (t) => {
    const owner = await createUser(app.db);
    const org = owner.accountId;
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${address}${ordersUrl(org)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            items: [{ service_name: 'domain', customer_name: `race${i}.ch`, period_months: 12 * ((i % 10) + 1) }],
          }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data: { invoice_id: number } } })),
      ),
    );
    t.same(
      results.map((r) => r.status),
      Array(20).fill(201),
    );
    const invoices = await app.db
      .selectFrom('invoices')
      .select(['id', 'number'])
      .where('account_id', '=', org)
      .execute();
    t.equal(invoices.length, 20);
    t.equal(new Set(invoices.map((i) => i.number)).size, 20, 'distinct numbers');
    t.same(new Set(results.map((r) => r.body.data.invoice_id)), new Set(invoices.map((i) => i.id)));
    const orders = await app.db.selectFrom('orders').select('id').where('account_id', '=', org).execute();
    t.equal(orders.length, 20);
  },
);
