import t from 'tap';
import { buildTestApp, testDatabase, bearer, needsPostgres, call } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import {
  balanceOf,
  CARDS,
  creditUrl,
  ledger,
  ledgerUrl,
  payments,
  prepaidUrl,
  saveCard,
  saveMethod,
  setCurrency,
} from '../../factories/billing.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

const credit = (u: TestUser, body: unknown) => call(app, u.token, 'POST', creditUrl(u.accountId), body);
const balance = async (u: TestUser) => (await call(app, u.token, 'GET', prepaidUrl(u.accountId))).json().data;

t.test('a new organisation has an empty prepaid account in its currency', async (t) => {
  const u = await createUser(app.db);
  t.same(await balance(u), { balance: 0, currency: 'CHF' });
  await setCurrency(app.db, u.accountId, 'EUR');
  t.same(await balance(u), { balance: 0, currency: 'EUR' });
});

t.test('deposit limits: 10 to 999900 minor units', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  for (const amount of [9, 999901, 0, -100]) {
    const res = await credit(u, { amount, method: 'card' });
    t.equal(res.statusCode, 422, `${amount} refused`);
    t.same(failedAttributes(res.json()), ['amount']);
    const e = res.json().error.errors[0];
    t.same(e.context.values, [10, 999900]);
    t.match(e.description, /0\.10/);
    t.match(e.description, /9999/);
  }
  t.equal((await payments(app.db, u.accountId)).length, 0, 'no payment for a refused amount');
  for (const amount of [10, 999900]) {
    const res = await credit(u, { amount, method: 'card' });
    t.equal(res.statusCode, 201, `${amount} accepted`);
  }
  t.equal(await balanceOf(app.db, u.accountId), 999910);
  t.same(await balance(u), { balance: 999910, currency: 'CHF' });
});

t.test('a successful card charge: one succeeded payment and one ledger credit', async (t) => {
  const u = await createUser(app.db);
  const pm = await saveCard(app, u.token, u.accountId, CARDS.mastercard);
  const res = await credit(u, { amount: 2500, method: 'card', payment_method_id: pm });
  t.equal(res.statusCode, 201);
  const d = res.json().data;
  t.match(d, {
    status: 'succeeded',
    method: 'card',
    payment_method_id: pm,
    amount: 2500,
    currency: 'CHF',
    credited: true,
    balance: 2500,
  });
  t.match(d.reference, /^ch_/);
  const [p] = await payments(app.db, u.accountId);
  t.match(p, {
    id: d.payment_id,
    status: 'succeeded',
    method: 'card',
    amount: 2500,
    payment_method_id: pm,
    created_by_id: u.id,
    failure_code: null,
  });
  const rows = await ledger(app.db, u.accountId);
  t.equal(rows.length, 1);
  t.match(rows[0], { amount: 2500, kind: 'credit', payment_id: d.payment_id, currency: 'CHF' });
});

t.test('declines: 402 payment_declined, a failed payment row, no ledger entry', async (t) => {
  const u = await createUser(app.db);
  for (const [number, code] of [
    [CARDS.declined, 'card_declined'],
    [CARDS.insufficient, 'insufficient_funds'],
  ] as const) {
    const pm = await saveCard(app, u.token, u.accountId, number);
    const res = await credit(u, { amount: 1000, method: 'card', payment_method_id: pm });
    t.equal(res.statusCode, 402, code);
    t.equal(res.json().error.code, 'payment_declined');
    t.equal(res.json().error.context.decline_code, code);
    const row = (await payments(app.db, u.accountId)).find((p) => p.id === res.json().error.context.payment_id);
    t.match(row, { status: 'failed', failure_code: code, amount: 1000, payment_method_id: pm });
  }
  t.equal((await ledger(app.db, u.accountId)).length, 0);
  t.equal((await balance(u)).balance, 0);
});

t.test('pending: a pending payment and nothing credited yet', async (t) => {
  const u = await createUser(app.db);
  const pm = await saveCard(app, u.token, u.accountId, CARDS.pending);
  const res = await credit(u, { amount: 700, method: 'card', payment_method_id: pm });
  t.equal(res.statusCode, 201);
  t.match(res.json().data, { status: 'pending', credited: false, balance: 0 });
  t.match(await payments(app.db, u.accountId), [{ status: 'pending', amount: 700 }]);
  t.equal((await ledger(app.db, u.accountId)).length, 0);
});

t.test('without payment_method_id the latest saved method of the kind is used; none is 422', async (t) => {
  const u = await createUser(app.db);
  const none = await credit(u, { amount: 100, method: 'card' });
  t.equal(none.statusCode, 422);
  t.same(failedAttributes(none.json()), ['payment_method_id']);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const latest = await saveCard(app, u.token, u.accountId, CARDS.declined);
  const res = await credit(u, { amount: 100, method: 'card' });
  t.equal(res.statusCode, 402);
  t.equal((await payments(app.db, u.accountId))[0].payment_method_id, latest);
  const twint = await saveMethod(app, u.token, u.accountId, { kind: 'twint', phone: '+41791112233' });
  const wrongKind = await credit(u, { amount: 100, method: 'card', payment_method_id: twint });
  t.equal(wrongKind.statusCode, 422);
  t.same(failedAttributes(wrongKind.json()), ['payment_method_id']);
});

t.test('postfinance: CHF only; charges the saved PostFinance method', async (t) => {
  const chf = await createUser(app.db);
  const pf = await saveMethod(app, chf.token, chf.accountId, { kind: 'postfinance', email: 'pf@example.test' });
  const ok = await credit(chf, { amount: 1200, method: 'postfinance' });
  t.equal(ok.statusCode, 201);
  t.match(ok.json().data, { status: 'succeeded', method: 'postfinance', payment_method_id: pf, balance: 1200 });
  const declining = await saveMethod(app, chf.token, chf.accountId, {
    kind: 'postfinance',
    email: 'decline@example.test',
  });
  const declined = await credit(chf, { amount: 1200, method: 'postfinance', payment_method_id: declining });
  t.equal(declined.statusCode, 402);
  t.equal(declined.json().error.context.decline_code, 'declined');
  t.equal(await balanceOf(app.db, chf.accountId), 1200);

  const eur = await createUser(app.db);
  await setCurrency(app.db, eur.accountId, 'EUR');
  const refused = await credit(eur, { amount: 1200, method: 'postfinance' });
  t.equal(refused.statusCode, 422);
  t.same(failedAttributes(refused.json()), ['method']);
  t.equal((await payments(app.db, eur.accountId)).length, 0);
});

t.test('iban: a pending payment with a bank reference, credited once the transfer is recorded', async (t) => {
  const u = await createUser(app.db);
  await setCurrency(app.db, u.accountId, 'EUR');
  const res = await credit(u, { amount: 5000, method: 'iban' });
  t.equal(res.statusCode, 201);
  const d = res.json().data;
  t.match(d, {
    status: 'pending',
    method: 'iban',
    payment_method_id: null,
    currency: 'EUR',
    credited: false,
    balance: 0,
  });
  t.match(d.reference, /^RF\d{2}[A-Z0-9]+$/);
  t.match(d.description, d.reference);
  t.match(d.description, `/payments/${d.payment_id}/record_transfer`);
  t.match(await payments(app.db, u.accountId), [
    { status: 'pending', method: 'iban', processor_reference: d.reference, currency: 'EUR' },
  ]);
  t.equal((await ledger(app.db, u.accountId)).length, 0);

  const transfer = `/1/accounts/${u.accountId}/payments/${d.payment_id}/record_transfer`;
  const arrived = await call(app, u.token, 'POST', transfer);
  t.equal(arrived.statusCode, 200, arrived.body);
  t.match(arrived.json().data, {
    id: d.payment_id,
    status: 'succeeded',
    method: 'iban',
    amount: 5000,
    invoice_ids: [],
  });
  t.same(await balance(u), { balance: 5000, currency: 'EUR' }, 'the deposit is on the balance');
  t.match(await ledger(app.db, u.accountId), [{ kind: 'credit', amount: 5000, payment_id: d.payment_id }]);
  const twice = await call(app, u.token, 'POST', transfer);
  t.equal(twice.statusCode, 409, 'a transfer is recorded once');
  t.equal((await ledger(app.db, u.accountId)).length, 1, 'and credited once');
  const withMethod = await credit(u, { amount: 5000, method: 'iban', payment_method_id: 1 });
  t.same(failedAttributes(withMethod.json()), ['payment_method_id']);
});

t.test('the ledger lists newest first with pagination and return=total', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  for (const amount of [100, 200, 300]) t.equal((await credit(u, { amount, method: 'card' })).statusCode, 201);
  const page1 = (await call(app, u.token, 'GET', `${ledgerUrl(u.accountId)}?per_page=2`)).json();
  t.same(
    page1.data.map((r: { amount: number }) => r.amount),
    [300, 200],
  );
  t.match(page1, { total: 3, page: 1, pages: 2, items_per_page: 2 });
  t.same(Object.keys(page1.data[0]).sort(), ['amount', 'created_at', 'description', 'id', 'kind', 'payment_id']);
  const page2 = (await call(app, u.token, 'GET', `${ledgerUrl(u.accountId)}?per_page=2&page=2`)).json();
  t.same(
    page2.data.map((r: { amount: number }) => r.amount),
    [100],
  );
  t.equal((await call(app, u.token, 'GET', `${ledgerUrl(u.accountId)}?return=total`)).json().data, 3);
});

t.test('the ledger is append-only', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  await credit(u, { amount: 100, method: 'card' });
  await t.rejects(
    app.db.updateTable('prepaid_ledger').set({ amount: 1 }).where('account_id', '=', u.accountId).execute(),
  );
  t.equal(await balanceOf(app.db, u.accountId), 100);
});

t.test(
  '30 concurrent deposits over real HTTP: the balance is the sum of the successful ones',
  needsPostgres('the balance under overlapping transactions is what is tested'),
  async (t) => {
    const u = await createUser(app.db);
    const ok = await saveCard(app, u.token, u.accountId, CARDS.visa);
    const declined = await saveCard(app, u.token, u.accountId, CARDS.declined);
    const pending = await saveCard(app, u.token, u.accountId, CARDS.pending);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const pick = [ok, ok, declined, ok, pending];
    const requests = Array.from({ length: 30 }, (_, i) => ({
      amount: 100 + i,
      method: 'card',
      payment_method_id: pick[i % pick.length],
    }));
    const answers = await Promise.all(
      requests.map(async (body) => {
        const res = await fetch(`${address}${creditUrl(u.accountId)}`, {
          method: 'POST',
          headers: { ...bearer(u.token), 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, json: (await res.json()) as { data?: { status: string; amount: number } }, body };
      }),
    );
    const succeeded = answers.filter((a) => a.status === 201 && a.json.data!.status === 'succeeded');
    t.equal(succeeded.length, 18);
    t.equal(answers.filter((a) => a.status === 402).length, 6);
    t.equal(answers.filter((a) => a.status === 201 && a.json.data!.status === 'pending').length, 6);
    const expected = succeeded.reduce((s, a) => s + a.body.amount, 0);
    t.equal(await balanceOf(app.db, u.accountId), expected);
    t.equal((await balance(u)).balance, expected);
    const rows = await ledger(app.db, u.accountId);
    const paid = (await payments(app.db, u.accountId)).filter((p) => p.status === 'succeeded');
    t.equal(rows.length, paid.length);
    t.same(rows.map((r) => r.payment_id).sort(), paid.map((p) => p.id).sort());
    t.equal((await payments(app.db, u.accountId)).length, 30);
  },
);
