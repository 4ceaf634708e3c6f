import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { addProduct, failedAttributes } from '../../factories/organisations.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { CARDS, saveCard, saveMethod } from '../../factories/billing.js';
import { placeOrder } from '../../factories/invoices.js';
import { fundPrepaid } from '../../factories/payments.js';
import { addDomain, autoRenewalUrl, DAY, product, productAutoRenewalUrl } from '../../factories/renewals.js';

// The auto-renewal routes: switching one product on or off (and when that is refused), the
// list with its filters, the bulk switch-off, and the switch-on that paying by card or Twint does.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

const put = (u: TestUser, productId: number, body: unknown) =>
  call(app, u.token, 'PUT', productAutoRenewalUrl(u.accountId, productId), body);
const list = async (u: TestUser, query = '') =>
  (await call(app, u.token, 'GET', `${autoRenewalUrl(u.accountId)}${query}`)).json();
const bulk = (u: TestUser, body: unknown) => call(app, u.token, 'POST', autoRenewalUrl(u.accountId), body);
const ruleOf = (body: { error: { errors?: { code: string }[] } }) => body.error.errors?.map((e) => e.code);

t.test('switching on: with a card or Twint, the chosen or the latest; the state shows in the list', async (t) => {
  const u = await createUser(app.db);
  const domain = await addDomain(app.db, u.accountId, 90, 'on-off.ch');
  const card = await saveCard(app, u.token, u.accountId, CARDS.cb);
  const res = await put(u, domain, { enabled: true });
  t.equal(res.statusCode, 200, res.body);
  const expiry = Number((await product(app.db, domain)).expired_at);
  t.same(
    res.json().data,
    {
      product_id: domain,
      service_name: 'domain',
      customer_name: 'on-off.ch',
      expired_at: expiry,
      enabled: true,
      payment_method: { id: card, kind: 'card', label: 'CB •••• 0008' },
      period_months: 12,
      next_attempt_at: expiry - 14 * DAY,
      is_locked: false,
    },
    'the latest card, the shortest period, the first attempt 14 days before expiry',
  );

  const twint = await saveMethod(app, u.token, u.accountId, { kind: 'twint', phone: '+41791112299' });
  const again = await put(u, domain, { enabled: true, payment_method_id: twint, period_months: 36 });
  t.match(again.json().data, { enabled: true, payment_method: { id: twint, kind: 'twint' }, period_months: 36 });
  t.match(await product(app.db, domain), {
    auto_renewal: true,
    auto_renewal_method_id: twint,
    auto_renewal_period_months: 36,
  });

  const off = await put(u, domain, { enabled: false });
  t.match(
    off.json().data,
    { enabled: false, next_attempt_at: null, payment_method: { id: twint } },
    'off keeps the method for next time',
  );
  const on = await put(u, domain, { enabled: true });
  t.match(
    on.json().data,
    { enabled: true, payment_method: { id: twint }, period_months: 36 },
    "on again: the product's own method and period",
  );
});

t.test(
  'refusals: a method that cannot renew, none at all, too close to expiry, bad period, foreign or unknown ids',
  async (t) => {
    const u = await createUser(app.db);
    const domain = await addDomain(app.db, u.accountId, 90);
    const none = await put(u, domain, { enabled: true });
    t.equal(none.statusCode, 422, 'no saved method');
    t.same(ruleOf(none.json()), ['validation_rule_auto_renewal_method']);
    t.match(none.json().error.description, /needs a saved card/);

    const paypal = await saveMethod(app, u.token, u.accountId, { kind: 'paypal', email: 'me@example.test' });
    const pp = await put(u, domain, { enabled: true, payment_method_id: paypal });
    t.equal(pp.statusCode, 422, 'paypal cannot renew automatically');
    t.same(failedAttributes(pp.json()), ['payment_method_id']);
    t.same(ruleOf(pp.json()), ['validation_rule_auto_renewal_method']);
    t.equal((await put(u, domain, { enabled: true })).statusCode, 422, 'paypal is not picked by default either');

    const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
    // 13 and a half days: days_left is 13 whichever second the request lands in.
    const soon = await addDomain(app.db, u.accountId, 13.5);
    const late = await put(u, soon, { enabled: true, payment_method_id: card });
    t.equal(late.statusCode, 422, 'expires in 13 days');
    t.same(ruleOf(late.json()), ['validation_rule_auto_renewal_too_late']);
    t.match(late.json().error.context, { days_left: 13 });
    t.equal((await put(u, soon, { enabled: false })).statusCode, 200, 'switching off is always possible');

    const period = await put(u, domain, { enabled: true, period_months: 7 });
    t.equal(period.statusCode, 422);
    t.same(failedAttributes(period.json()), ['period_months']);
    const free = (await addProduct(app.db, u.accountId, 'web_hosting', { expiresInDays: null })).id;
    t.same(
      failedAttributes((await put(u, free, { enabled: true })).json()),
      ['enabled'],
      'a product that never expires',
    );
    t.same(
      failedAttributes((await put(u, domain, { enabled: false, period_months: 12 })).json()),
      ['period_months'],
      'off takes no period',
    );

    t.equal((await put(u, domain, { enabled: true, payment_method_id: 999999 })).statusCode, 404, 'unknown method');
    const other = await createUser(app.db);
    const foreignCard = await saveCard(app, other.token, other.accountId, CARDS.visa);
    t.equal(
      (await put(u, domain, { enabled: true, payment_method_id: foreignCard })).statusCode,
      404,
      "another organisation's method",
    );
    t.same(failedAttributes((await put(u, domain, { enabled: 'yes' })).json()), ['enabled']);
    t.same(failedAttributes((await put(u, domain, {})).json()), ['enabled']);
    t.notOk((await product(app.db, domain)).auto_renewal, 'nothing was switched on');
  },
);

t.test('the list: filters, search, sort and pagination', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const a = await addDomain(app.db, u.accountId, 40, 'alpha.ch');
  const b = await addDomain(app.db, u.accountId, 20, 'bravo.ch');
  const c = (await addProduct(app.db, u.accountId, 'web_hosting', { customer_name: 'site', expiresInDays: 60 })).id;
  await put(u, a, { enabled: true });
  await put(u, c, { enabled: true });

  const all = await list(u);
  t.same(
    all.data.map((p: { product_id: number }) => p.product_id),
    [b, a, c],
    'soonest expiry first',
  );
  t.equal(all.total, 3);
  t.same(
    (await list(u, '?enabled=1')).data.map((p: { product_id: number }) => p.product_id),
    [a, c],
  );
  t.same(
    (await list(u, '?filter[enabled]=false')).data.map((p: { product_id: number }) => p.product_id),
    [b],
  );
  t.same(
    (await list(u, '?service_name=web_hosting')).data.map((p: { product_id: number }) => p.product_id),
    [c],
  );
  t.same(
    (await list(u, '?search=RAV')).data.map((p: { product_id: number }) => p.product_id),
    [b],
  );
  const before = Number((await product(app.db, a)).expired_at);
  t.same(
    (await list(u, `?expiring_before=${before}`)).data.map((p: { product_id: number }) => p.product_id),
    [b, a],
  );
  t.same(
    (await list(u, '?order_by=customer_name&order=desc')).data.map((p: { customer_name: string }) => p.customer_name),
    ['site', 'bravo.ch', 'alpha.ch'],
  );
  const page = await list(u, '?per_page=2&page=2');
  t.match(page, { data: [{ product_id: c }], total: 3, page: 2, pages: 2, items_per_page: 2 });
  t.equal((await list(u, '?return=total')).data, 3);
  const hosting = all.data.find((p: { product_id: number }) => p.product_id === c);
  t.equal(hosting.period_months, 1, 'hosting renews monthly by default');
  t.same(failedAttributes(await list(u, '?order_by=price')), ['order_by']);
  t.same(failedAttributes(await list(u, '?enabled=maybe')), ['enabled']);
});

t.test('bulk switch-off: a selection or all, all or nothing', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const ids = [];
  for (let i = 0; i < 4; i++) {
    const id = await addDomain(app.db, u.accountId, 60 + i);
    await put(u, id, { enabled: true });
    ids.push(id);
  }
  const off = await bulk(u, { enabled: false, product_ids: [ids[0], ids[1]] });
  t.equal(off.statusCode, 200, off.body);
  t.same(off.json().data, { product_ids: [ids[0], ids[1]] });
  t.same(
    (await list(u, '?enabled=true')).data.map((p: { product_id: number }) => p.product_id),
    [ids[2], ids[3]],
  );

  const other = await createUser(app.db);
  const otherCard = await saveCard(app, other.token, other.accountId, CARDS.visa);
  const foreign = await addDomain(app.db, other.accountId, 60);
  t.equal((await put(other, foreign, { enabled: true, payment_method_id: otherCard })).statusCode, 200);
  const mixed = await bulk(u, { enabled: false, product_ids: [ids[2], foreign] });
  t.equal(mixed.statusCode, 404, 'a product of another organisation');
  t.same(mixed.json().error.context, { product_ids: [foreign] });
  t.ok((await product(app.db, ids[2])).auto_renewal, 'nothing changed');

  t.same(failedAttributes((await bulk(u, { enabled: true, all: true })).json()), ['enabled'], 'bulk only switches off');
  t.same(failedAttributes((await bulk(u, { enabled: false })).json()), ['product_ids'], 'neither');
  t.same(
    failedAttributes((await bulk(u, { enabled: false, all: true, product_ids: [ids[2]] })).json()),
    ['product_ids'],
    'both',
  );
  t.same(failedAttributes((await bulk(u, { enabled: false, product_ids: [] })).json()), ['product_ids'], 'empty');
  t.same(
    failedAttributes((await bulk(u, { enabled: false, product_ids: [ids[2], ids[2]] })).json()),
    ['product_ids'],
    'repeated',
  );

  const everything = await bulk(u, { enabled: false, all: true });
  t.same(everything.json().data, { product_ids: [ids[2], ids[3]] }, 'the ones that were on');
  t.equal((await list(u, '?enabled=true')).total, 0);
  t.ok((await product(app.db, foreign)).auto_renewal, "the other organisation's product is untouched");
});

t.test(
  'paying an order or a renewal by card or Twint switches auto-renewal on with that method; prepaid does not',
  async (t) => {
    const u = await createUser(app.db);
    const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
    const order = await placeOrder(app, u.token, u.accountId, [
      { service_name: 'domain', customer_name: 'hooked.ch', period_months: 24 },
      { service_name: 'web_hosting', customer_name: 'Hooked site', period_months: 1 },
    ]);
    t.equal(
      (await call(app, u.token, 'POST', `/1/accounts/${u.accountId}/payments`, { order_id: order.id, method: 'card' }))
        .statusCode,
      201,
    );
    const on = (await list(u)).data;
    t.equal(on.length, 2);
    for (const p of on)
      t.match(p, { enabled: true, payment_method: { id: card } }, `${p.customer_name} renews automatically`);

    const prepaidOrg = await createUser(app.db);
    await fundPrepaid(app.db, prepaidOrg.accountId, 100_000);
    await saveCard(app, prepaidOrg.token, prepaidOrg.accountId, CARDS.visa);
    const o2 = await placeOrder(app, prepaidOrg.token, prepaidOrg.accountId, [
      { service_name: 'domain', customer_name: 'prepaid.ch', period_months: 12 },
    ]);
    await call(app, prepaidOrg.token, 'POST', `/1/accounts/${prepaidOrg.accountId}/payments`, {
      order_id: o2.id,
      method: 'card',
      use_prepaid: true,
    });
    t.match((await list(prepaidOrg)).data, [{ enabled: false }], 'the prepaid account paid it all: no card was used');

    const existing = await addDomain(app.db, prepaidOrg.accountId, 30, 'renewed.ch');
    const renewal = await call(app, prepaidOrg.token, 'POST', `/1/accounts/${prepaidOrg.accountId}/renewals`, {
      items: [{ product_id: existing, period_months: 12 }],
    });
    await call(app, prepaidOrg.token, 'POST', `/1/accounts/${prepaidOrg.accountId}/payments`, {
      invoice_ids: [renewal.json().data.id],
      method: 'twint',
      phone: '+41790007777',
    });
    const renewed = (await list(prepaidOrg, '?search=renewed')).data[0];
    t.match(
      renewed,
      { enabled: true, payment_method: { kind: 'twint', label: 'TWINT +41790007777' } },
      'a renewal paid by Twint: on, with the saved Twint profile',
    );
  },
);
