import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';

// Premium support is ordered like a product; once paid, the organisation shows it running.

t.test('a paid premium-support order switches support_premium on', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: bearer(owner.token) });

  const before = await call('GET', `/1/accounts/${org}`);
  t.same(
    before.json().data.support_premium,
    { is_active: false, expired_at: null },
    'an object, not running before it is ordered',
  );

  const card = await call('POST', `/1/accounts/${org}/payment_methods`, {
    kind: 'card',
    number: '4242424242424242',
    exp_month: 12,
    exp_year: 2040,
    cvc: '123',
  });
  t.equal(card.statusCode, 201);
  const order = await call('POST', `/1/accounts/${org}/orders`, {
    items: [{ service_name: 'support_premium', customer_name: 'Premium support', period_months: 12 }],
  });
  t.equal(order.statusCode, 201);
  const unpaid = await call('GET', `/1/accounts/${org}`);
  t.same(unpaid.json().data.support_premium, { is_active: false, expired_at: null }, 'an unpaid order changes nothing');

  const pay = await call('POST', `/1/accounts/${org}/payments`, { order_id: order.json().data.id, method: 'card' });
  t.equal(pay.statusCode, 201);
  const after = await call('GET', `/1/accounts/${org}`);
  const { support_premium_until: until } = await app.db
    .selectFrom('accounts')
    .select('support_premium_until')
    .where('id', '=', org)
    .executeTakeFirstOrThrow();
  t.same(after.json().data.support_premium, { is_active: true, expired_at: until }, 'running once paid, until then');
  const months = (until! - Date.now() / 1000) / (30.44 * 86_400);
  t.ok(months > 11.5 && months < 12.5, `for twelve months (${months.toFixed(1)})`);
  const products = await call('GET', `/1/accounts/${org}/products`);
  t.notOk(
    (products.json().data as { service_name: string }[]).some((p) => p.service_name === 'support_premium'),
    'and no product is created for it',
  );
});
