import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';

// The organisation's currency is chosen at sign-up and may change only while nothing has
// been billed: afterwards every amount already recorded is in the old one.

t.test('the currency changes only while nothing is billed', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app.db);
  const url = `/1/accounts/${owner.accountId}`;
  const patch = (currency: string) =>
    app.inject({ method: 'PATCH', url, headers: bearer(owner.token), payload: { currency } });

  const first = await patch('EUR');
  t.equal(first.statusCode, 200, 'nothing billed yet: EUR is accepted');
  t.equal(first.json().data.currency, 'EUR');

  const order = await app.inject({
    method: 'POST',
    url: `${url}/orders`,
    headers: bearer(owner.token),
    payload: { items: [{ service_name: 'domain', customer_name: 'currency-test.ch', period_months: 12 }] },
  });
  t.equal(order.statusCode, 201, 'an order bills the organisation');
  t.equal(order.json().data.currency, 'EUR', 'in its currency');

  const refused = await patch('CHF');
  t.equal(refused.statusCode, 422);
  t.match(refused.json().error.errors[0], {
    code: 'validation_rule_immutable',
    context: { attribute: 'currency', values: ['EUR'] },
  });
  const same = await patch('EUR');
  t.equal(same.statusCode, 200, 'setting the same currency again is harmless');
  const after = await app.inject({ method: 'GET', url, headers: bearer(owner.token) });
  t.equal(after.json().data.currency, 'EUR', 'unchanged');
});
