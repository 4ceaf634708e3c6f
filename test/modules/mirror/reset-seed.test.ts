import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, call, type Method, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';

// Reset and seed: an empty mirror in one call, and fixtures that give the same ids, times and
// tokens on every run.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const admin = (method: Method, url: string, payload?: object) => call(app, ADMIN_TOKEN, method, url, payload);

t.test('reset empties the data and keeps the price list', async (t) => {
  const u = await createUser(app.db);
  await app.inject({
    method: 'POST',
    url: `/1/accounts/${u.accountId}/tags`,
    headers: bearer(u.token),
    payload: { name: 'gone' },
  });
  await app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: { advance: '1d' } });
  const res = await admin('POST', '/_mirror/reset');
  t.equal(res.statusCode, 200, res.body);
  t.ok(res.json().data.tables > 20);
  t.equal(
    (await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(u.token) })).statusCode,
    401,
    'the token is gone with its user',
  );
  for (const table of ['users', 'accounts', 'tags', 'api_tokens', 'activity_logs', 'notifications_outbox'] as const) {
    t.equal(
      (
        await app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
      0,
      `${table} empty`,
    );
  }
  t.ok(
    Number(
      (
        await app.db
          .selectFrom('prices')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ) > 10,
    'prices kept',
  );
  t.equal((await admin('GET', '/_mirror/clock')).json().data.offset_seconds, 0, 'the clock is real time again');
  t.equal((await app.inject({ method: 'POST', url: '/_mirror/reset' })).statusCode, 401, 'the admin token only');
});

t.test('the demo fixture: the same ids, times and tokens on every run', async (t) => {
  const first = await admin('POST', '/_mirror/seed', { fixture: 'demo' });
  t.equal(first.statusCode, 200, first.body);
  const a = first.json().data;
  t.equal(a.now, 1_796_083_200);
  const alice = a.users.find((u: { key: string }) => u.key === 'alice');
  t.match(alice, { id: 1, email: 'alice@acme.example', password: 'demo-password-alice' });
  t.match(alice.token, /^ikm_[A-Za-z0-9_-]{43}$/);

  const snapshot = async () => {
    const h = bearer(alice.token);
    const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: h })).json();
    return {
      profile: (await get('/2/profile')).data,
      accounts: (await get('/1/accounts')).data,
      products: (await get('/1/products')).data,
      invoices: (await get(`/1/accounts/${a.organisations[0].id}/invoices`)).data,
      prepaid: (await get(`/1/accounts/${a.organisations[0].id}/prepaid`)).data,
      // next_attempt_at reads "now" for a product already in its window: the clock runs on.
      renewal: (await get(`/1/accounts/${a.organisations[0].id}/auto_renewal`)).data.map(
        (p: Record<string, unknown>) => ({ ...p, next_attempt_at: undefined }),
      ),
    };
  };
  const before = await snapshot();
  t.equal(before.prepaid.balance, 5000);
  t.equal(before.invoices.length, 1, 'one unpaid renewal invoice');
  t.equal(before.invoices[0].issued_at, 1_796_083_200, "stamped at the fixture's time");
  t.match(
    before.renewal.find((p: { customer_name: string }) => p.customer_name === 'acme.ch'),
    { enabled: true, expired_at: 1_796_083_200 + 10 * 86_400 },
  );
  const clock = (await admin('GET', '/_mirror/clock')).json().data.now;
  t.ok(clock >= 1_796_083_200 && clock < 1_796_083_200 + 60, "the clock is at the fixture's time");

  const second = (await admin('POST', '/_mirror/seed', { fixture: 'demo' })).json().data;
  t.same({ ...second, ms: 0 }, { ...a, ms: 0 }, 'the same answer, tokens included');
  t.same(await snapshot(), before, 'the same data, to the second');
});

t.test('a JSON document in the same format', async (t) => {
  const doc = {
    now: 1_800_000_000,
    users: [
      { key: 'solo', email: 'solo@example.test', first_name: 'Solo', last_name: 'User', password: 'solo-password' },
    ],
    organisations: [
      {
        key: 'one',
        name: 'One',
        currency: 'EUR',
        members: [{ user: 'solo', role: 'owner' }],
        products: [{ key: 'd', service_name: 'domain', customer_name: 'one.ch', expires_in_days: 30 }],
      },
    ],
  };
  const res = await admin('POST', '/_mirror/seed', { fixture: doc });
  t.equal(res.statusCode, 200, res.body);
  const solo = res.json().data.users[0];
  const products = (await app.inject({ method: 'GET', url: '/1/products', headers: bearer(solo.token) })).json().data;
  t.match(products, [{ customer_name: 'one.ch', expired_at: 1_800_000_000 + 30 * 86_400 }]);

  const bad = await admin('POST', '/_mirror/seed', {
    fixture: { ...doc, organisations: [{ ...doc.organisations[0], members: [{ user: 'ghost', role: 'owner' }] }] },
  });
  t.equal(bad.statusCode, 422);
  t.same(failedAttributes(bad.json()), ['organisations.0.members.0.user']);
  t.same(failedAttributes((await admin('POST', '/_mirror/seed', { fixture: 'nope' })).json()), ['fixture']);
  t.equal(
    (await app.inject({ method: 'GET', url: '/1/products', headers: bearer(solo.token) })).statusCode,
    200,
    'a refused seed changed nothing',
  );

  // The fixture's now sets the clock: it keeps to the clock's bounds (within 100 years of the
  // machine's time); beyond what an integer may be at all, the schema names it.
  for (const [now, attributes] of [
    [1e20, ['fixture', 'fixture.now']],
    [Math.floor(Date.now() / 1000) + 101 * 366 * 86_400, ['now']],
  ] as const) {
    const absurd = await admin('POST', '/_mirror/seed', { fixture: { ...doc, now } });
    t.equal(absurd.statusCode, 422, `now ${now}: ${absurd.body}`);
    t.same(failedAttributes(absurd.json()), attributes);
  }
  t.equal(
    (await app.inject({ method: 'GET', url: '/1/products', headers: bearer(solo.token) })).statusCode,
    200,
    'nor did those',
  );
});
