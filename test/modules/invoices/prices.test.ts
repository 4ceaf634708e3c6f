import t from 'tap';
import { buildTestApp, call } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { pricesUrl } from '../../factories/invoices.js';

const app = await buildTestApp(t);
const user = await createUser(app.db);

type Price = {
  id: number;
  service_name: string;
  variant: string;
  currency: string;
  period_months: number;
  amount: number;
};
const all = async (query = '') => {
  const res = await call(app, user.token, 'GET', `${pricesUrl}${query}`);
  t.equal(res.statusCode, 200, 'prices listed');
  return res.json<{ data: Price[]; total: number }>();
};
const periods = (rows: Price[], service: string, variant: string, currency: string) =>
  rows
    .filter((p) => p.service_name === service && p.variant === variant && p.currency === currency)
    .map((p) => p.period_months);

t.test(
  'the seeded list: .ch domains 1 to 10 years, other domains yearly, hosting and kSuite also monthly, both currencies',
  async (t) => {
    const { data, total } = await all();
    t.equal(total, data.length);
    t.same(Object.keys(data[0]).sort(), ['amount', 'currency', 'id', 'period_months', 'service_name', 'variant']);
    for (const c of ['CHF', 'EUR']) {
      t.same(periods(data, 'domain', 'ch', c), [12, 24, 36, 48, 60, 72, 84, 96, 108, 120], `.ch in ${c}`);
      t.same(periods(data, 'domain', '', c), [12]);
      t.same(periods(data, 'web_hosting', '', c), [1, 12]);
      t.same(periods(data, 'ksuite', '', c), [1, 12]);
      t.same(periods(data, 'email_hosting', '', c), [12]);
      t.same(periods(data, 'support_premium', '', c), [12]);
    }
    const services = [...new Set(data.map((p) => p.service_name))];
    t.ok(services.length >= 8, 'a few more services');
    // Every service has the same rows in both currencies.
    const key = (p: Price) => `${p.service_name}/${p.variant}/${p.period_months}`;
    t.same(
      data
        .filter((p) => p.currency === 'CHF')
        .map(key)
        .sort(),
      data
        .filter((p) => p.currency === 'EUR')
        .map(key)
        .sort(),
    );
    t.ok(data.every((p) => Number.isInteger(p.amount) && p.amount > 0));
  },
);

t.test('filters by service and currency, top level or filter[...], and paginates', async (t) => {
  const chf = await all('?currency=CHF');
  t.ok(chf.data.length > 0 && chf.data.every((p) => p.currency === 'CHF'));
  const dom = await all('?filter[service_name]=domain&filter[currency]=EUR');
  t.equal(dom.total, 11);
  t.ok(dom.data.every((p) => p.service_name === 'domain' && p.currency === 'EUR'));
  const page = await call(app, user.token, 'GET', `${pricesUrl}?service_name=domain&per_page=4&page=2`);
  t.match(page.json(), { total: 22, page: 2, pages: 6, items_per_page: 4 });
  t.equal(page.json().data.length, 4);
  const count = await call(app, user.token, 'GET', `${pricesUrl}?service_name=ksuite&return=total`);
  t.same(count.json(), { result: 'success', data: 4 });
  const none = await all('?service_name=nope');
  t.equal(none.total, 0);
  const bad = await call(app, user.token, 'GET', `${pricesUrl}?currency=USD`);
  t.equal(bad.statusCode, 422);
});

t.test('needs a token with the billing scope, not an organisation', async (t) => {
  t.equal((await call(app, null, 'GET', pricesUrl)).statusCode, 401);
  const unscoped = await createUser(app.db, { scopes: ['user_info', 'accounts'] });
  t.equal((await call(app, unscoped.token, 'GET', pricesUrl)).statusCode, 403);
  const billingOnly = await createUser(app.db, { scopes: ['billing'] });
  t.equal((await call(app, billingOnly.token, 'GET', pricesUrl)).statusCode, 200);
});
