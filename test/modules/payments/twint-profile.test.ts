import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { saveMethod } from '../../factories/billing.js';
import { addInvoice, fundPrepaid, invoiceRow, paymentRows, paymentsUrl } from '../../factories/payments.js';

// A Twint payment made with a phone rather than a saved method saves that Twint profile as a
// payment method once the processor has taken the charge, and reuses it the next time.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

const pay = (u: TestUser, body: unknown) => call(app, u.token, 'POST', paymentsUrl(u.accountId), body);
const methods = async (u: TestUser) =>
  (await call(app, u.token, 'GET', `/1/accounts/${u.accountId}/payment_methods`)).json().data as {
    id: number;
    kind: string;
    label: string;
    supports_auto_renewal: boolean;
  }[];

t.test('paying by a Twint phone saves the profile, and the next payment with that phone reuses it', async (t) => {
  const u = await createUser(app.db);
  t.same(await methods(u), [], 'nothing saved yet');
  const first = await pay(u, {
    invoice_ids: [await addInvoice(app.db, u.accountId, 900)],
    method: 'twint',
    phone: '079 555 66 77',
  });
  t.equal(first.statusCode, 201, first.body);
  const saved = await methods(u);
  t.equal(saved.length, 1, 'one Twint profile saved');
  t.match(saved[0], { kind: 'twint', label: 'TWINT +41795556677', supports_auto_renewal: true });
  t.match(first.json().data, { status: 'succeeded', method: 'twint', payment_method_id: saved[0].id, amount: 900 });

  const again = await pay(u, {
    invoice_ids: [await addInvoice(app.db, u.accountId, 400)],
    method: 'twint',
    phone: '+41 79 555 66 77',
  });
  t.equal(again.statusCode, 201, again.body);
  t.equal(again.json().data.payment_method_id, saved[0].id, 'the same profile, written differently');
  t.equal((await methods(u)).length, 1, 'not saved twice');

  const other = await pay(u, {
    invoice_ids: [await addInvoice(app.db, u.accountId, 400)],
    method: 'twint',
    phone: '+41790001122',
  });
  t.equal(other.statusCode, 201);
  t.equal((await methods(u)).length, 2, 'another phone is another profile');
  const latest = await pay(u, { invoice_ids: [await addInvoice(app.db, u.accountId, 100)], method: 'twint' });
  t.equal(
    latest.json().data.payment_method_id,
    other.json().data.payment_method_id,
    'without phone: the latest Twint method',
  );
});

t.test('a saved profile found by phone keeps its own behaviour', async (t) => {
  const u = await createUser(app.db);
  const id = await saveMethod(app, u.token, u.accountId, { kind: 'twint', phone: '+41791230000' });
  const res = await pay(u, {
    invoice_ids: [await addInvoice(app.db, u.accountId, 300)],
    method: 'twint',
    phone: '0791230000',
  });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().data.payment_method_id, id);
  t.equal((await methods(u)).length, 1);
});

t.test('a declined Twint phone is not saved; the failed attempt is kept without a method', async (t) => {
  const u = await createUser(app.db);
  const inv = await addInvoice(app.db, u.accountId, 700);
  const res = await pay(u, { invoice_ids: [inv], method: 'twint', phone: '+41790000002' });
  t.equal(res.statusCode, 402, res.body);
  t.equal(res.json().error.code, 'payment_declined');
  t.same(await methods(u), [], 'nothing saved');
  const rows = await paymentRows(app.db, u.accountId);
  t.match(rows, [{ status: 'failed', method: 'twint', payment_method_id: null, failure_code: 'declined' }]);
  t.equal((await invoiceRow(app.db, inv)).status, 'unpaid');
});

t.test('a pending Twint charge saves the profile with the pending payment', async (t) => {
  const u = await createUser(app.db);
  const res = await pay(u, {
    invoice_ids: [await addInvoice(app.db, u.accountId, 700)],
    method: 'twint',
    phone: '+41790000259',
  });
  t.equal(res.statusCode, 201, res.body);
  const saved = await methods(u);
  t.equal(saved.length, 1);
  t.match(res.json().data, { status: 'pending', payment_method_id: saved[0].id });
});

t.test('nothing charged to Twint, nothing saved', async (t) => {
  const u = await createUser(app.db);
  await fundPrepaid(app.db, u.accountId, 1000);
  const res = await pay(u, {
    invoice_ids: [await addInvoice(app.db, u.accountId, 600)],
    method: 'twint',
    phone: '+41795550000',
    use_prepaid: true,
  });
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json().data, { prepaid_amount: 600, payment_method_id: null });
  t.same(await methods(u), [], 'the prepaid account paid it all');
});

t.test('phone refusals name the field', async (t) => {
  const u = await createUser(app.db);
  const inv = await addInvoice(app.db, u.accountId, 100);
  const card = await pay(u, { invoice_ids: [inv], method: 'card', phone: '+41791234567' });
  t.equal(card.statusCode, 422, 'phone with a card payment');
  t.same(failedAttributes(card.json()), ['phone']);
  const saved = await saveMethod(app, u.token, u.accountId, { kind: 'twint', phone: '+41791234567' });
  const both = await pay(u, { invoice_ids: [inv], method: 'twint', phone: '+41791234567', payment_method_id: saved });
  t.equal(both.statusCode, 422, 'phone and payment_method_id');
  t.same(failedAttributes(both.json()), ['phone']);
  const bad = await pay(u, { invoice_ids: [inv], method: 'twint', phone: 'call me' });
  t.equal(bad.statusCode, 422);
  t.same(failedAttributes(bad.json()), ['phone']);
  const empty = await pay(u, { invoice_ids: [inv], method: 'twint', phone: '' });
  t.equal(empty.statusCode, 422);
  t.same(failedAttributes(empty.json()), ['phone']);
  t.equal((await invoiceRow(app.db, inv)).status, 'unpaid');
  t.equal((await paymentRows(app.db, u.accountId)).length, 0);
});
