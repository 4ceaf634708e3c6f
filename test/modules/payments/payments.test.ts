import t from 'tap';
import { buildTestApp, testDatabase, call } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { CARDS, saveCard, saveMethod, setCurrency } from '../../factories/billing.js';
import { placeOrder } from '../../factories/invoices.js';
import {
  addInvoice,
  balance,
  fundPrepaid,
  invoiceRow,
  ledgerRows,
  linksOf,
  orderRow,
  PAYMENT_FIELDS,
  paymentRows,
  paymentsUrl,
  paymentUrl,
  transferUrl,
} from '../../factories/payments.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

const pay = (u: TestUser, body: unknown, headers: Record<string, string> = {}) =>
  call(app, u.token, 'POST', paymentsUrl(u.accountId), body, headers);
const products = (u: TestUser) =>
  app.db.selectFrom('products').selectAll().where('account_id', '=', u.accountId).orderBy('id').execute();
const ORDER = [
  { service_name: 'domain', customer_name: 'pay-test.ch', period_months: 12 },
  { service_name: 'web_hosting', customer_name: 'Site', period_months: 1 },
];

t.test('paying an order by card: products created, invoice and order paid', async (t) => {
  const u = await createUser(app.db);
  const pm = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const order = await placeOrder(app, u.token, u.accountId, ORDER);
  const inv = await invoiceRow(app.db, order.invoice_id);
  t.equal(inv.status, 'unpaid');
  const res = await pay(u, { order_id: order.id, method: 'card' });
  t.equal(res.statusCode, 201, res.body);
  const d = res.json().data;
  t.same(Object.keys(d).sort(), [...PAYMENT_FIELDS, 'bank_reference', 'proforma'].sort());
  t.match(d, {
    status: 'succeeded',
    method: 'card',
    payment_method_id: pm,
    amount: Number(inv.total),
    prepaid_amount: 0,
    invoice_ids: [order.invoice_id],
    proforma: false,
    bank_reference: null,
    failure_code: null,
  });
  t.match(d.processor_reference, /^ch_/);
  const after = await invoiceRow(app.db, order.invoice_id);
  t.equal(after.status, 'paid');
  t.ok(after.paid_at);
  t.match(await orderRow(app.db, order.id), { status: 'paid' });
  const made = await products(u);
  t.same(made.map((p) => p.customer_name).sort(), ['Site', 'pay-test.ch']);
  t.same(await linksOf(app.db, d.id), [{ payment_id: d.id, invoice_id: order.invoice_id, amount: Number(inv.total) }]);
  t.equal((await ledgerRows(app.db, u.accountId)).length, 0, 'no ledger movement');
  const invoiceApi = (await call(app, u.token, 'GET', `/1/accounts/${u.accountId}/invoices/${order.invoice_id}`)).json()
    .data;
  t.match(invoiceApi, { status: 'paid', amount_paid: Number(inv.total), amount_due: 0 });

  const again = await pay(u, { invoice_ids: [order.invoice_id], method: 'card' });
  t.equal(again.statusCode, 409, 'an invoice already paid');
  t.equal(again.json().error.code, 'conflict_error');
  t.same(again.json().error.context, { invoice_ids: [order.invoice_id] });
  t.equal((await paymentRows(app.db, u.accountId)).length, 1);

  const got = await call(app, u.token, 'GET', paymentUrl(u.accountId, d.id));
  t.equal(got.statusCode, 200);
  t.same(Object.keys(got.json().data).sort(), PAYMENT_FIELDS);
  t.match(got.json().data, { id: d.id, status: 'succeeded', invoice_ids: [order.invoice_id] });
});

t.test('half prepaid, half card', async (t) => {
  const u = await createUser(app.db);
  const pm = await saveCard(app, u.token, u.accountId, CARDS.mastercard);
  const a = await addInvoice(app.db, u.accountId, 3000);
  const b = await addInvoice(app.db, u.accountId, 1000);
  await fundPrepaid(app.db, u.accountId, 2000);
  const res = await pay(u, { invoice_ids: [b, a], method: 'card', payment_method_id: pm, use_prepaid: true });
  t.equal(res.statusCode, 201, res.body);
  const d = res.json().data;
  t.match(d, { status: 'succeeded', amount: 4000, prepaid_amount: 2000, invoice_ids: [a, b] });
  t.equal(await balance(app.db, u.accountId), 0);
  const rows = await ledgerRows(app.db, u.accountId);
  t.match(rows[1], { amount: -2000, kind: 'debit', payment_id: d.id });
  t.same(
    (await linksOf(app.db, d.id)).map((l) => [l.invoice_id, Number(l.amount)]),
    [
      [a, 3000],
      [b, 1000],
    ],
  );
  for (const id of [a, b]) t.equal((await invoiceRow(app.db, id)).status, 'paid');
});

t.test('prepaid alone: covers everything or 422 with the shortfall and nothing changed', async (t) => {
  const u = await createUser(app.db);
  const inv = await addInvoice(app.db, u.accountId, 5000);
  await fundPrepaid(app.db, u.accountId, 3000);
  const res = await pay(u, { invoice_ids: [inv], method: 'prepaid' });
  t.equal(res.statusCode, 422);
  t.equal(res.json().error.code, 'validation_failed');
  t.equal(res.json().error.context.shortfall, 2000);
  t.same(failedAttributes(res.json()), ['method']);
  t.equal((await paymentRows(app.db, u.accountId)).length, 0);
  t.equal(await balance(app.db, u.accountId), 3000);
  t.equal((await invoiceRow(app.db, inv)).status, 'unpaid');

  await fundPrepaid(app.db, u.accountId, 2000);
  const ok = await pay(u, { invoice_ids: [inv], method: 'prepaid' });
  t.equal(ok.statusCode, 201);
  t.match(ok.json().data, {
    status: 'succeeded',
    method: 'prepaid',
    payment_method_id: null,
    amount: 5000,
    prepaid_amount: 5000,
    processor_reference: null,
  });
  t.equal(await balance(app.db, u.accountId), 0);
  t.equal((await invoiceRow(app.db, inv)).status, 'paid');
});

t.test('a decline: 402, the failed payment kept, nothing else', async (t) => {
  const u = await createUser(app.db);
  const pm = await saveCard(app, u.token, u.accountId, CARDS.declined);
  const order = await placeOrder(app, u.token, u.accountId, ORDER);
  await fundPrepaid(app.db, u.accountId, 100);
  const res = await pay(u, { order_id: order.id, method: 'card', payment_method_id: pm, use_prepaid: true });
  t.equal(res.statusCode, 402);
  t.equal(res.json().error.code, 'payment_declined');
  t.equal(res.json().error.context.decline_code, 'card_declined');
  const rows = await paymentRows(app.db, u.accountId);
  t.equal(rows.length, 1);
  t.match(rows[0], {
    id: res.json().error.context.payment_id,
    status: 'failed',
    failure_code: 'card_declined',
    prepaid_amount: 0,
    payment_method_id: pm,
  });
  t.equal((await ledgerRows(app.db, u.accountId)).length, 1, 'no ledger debit');
  t.equal(await balance(app.db, u.accountId), 100);
  t.match(await invoiceRow(app.db, order.invoice_id), { status: 'unpaid', paid_at: null });
  t.match(await orderRow(app.db, order.id), { status: 'pending' });
  t.equal((await products(u)).length, 0);
  const listed = await call(app, u.token, 'GET', `${paymentsUrl(u.accountId)}?status=failed`);
  t.equal(listed.json().total, 1);
  t.match(listed.json().data[0], { status: 'failed', invoice_ids: [order.invoice_id] });
});

t.test('a pending charge: payment pending, invoice unpaid, no ledger debit', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.pending);
  const inv = await addInvoice(app.db, u.accountId, 1500);
  await fundPrepaid(app.db, u.accountId, 500);
  const res = await pay(u, { invoice_ids: [inv], method: 'card', use_prepaid: true });
  t.equal(res.statusCode, 201);
  t.match(
    res.json().data,
    { status: 'pending', prepaid_amount: 500, amount: 1500 },
    'the planned prepaid part, not debited',
  );
  t.equal((await invoiceRow(app.db, inv)).status, 'unpaid');
  t.equal(await balance(app.db, u.accountId), 500);
  t.equal((await ledgerRows(app.db, u.accountId)).length, 1);
});

t.test('IBAN: a proforma with its bank reference, then record_transfer pays like a card', async (t) => {
  const u = await createUser(app.db);
  const order = await placeOrder(app, u.token, u.accountId, ORDER);
  const res = await pay(u, { order_id: order.id, method: 'iban' });
  t.equal(res.statusCode, 201, res.body);
  const d = res.json().data;
  t.match(d, { status: 'pending', method: 'iban', proforma: true, payment_method_id: null });
  t.match(d.bank_reference, /^RF\d{2}[0-9A-Z]+$/);
  t.equal(d.processor_reference, d.bank_reference);
  t.match(await invoiceRow(app.db, order.invoice_id), { status: 'unpaid', bank_reference: d.bank_reference });
  t.equal((await products(u)).length, 0);

  const rec = await call(app, u.token, 'POST', transferUrl(u.accountId, d.id));
  t.equal(rec.statusCode, 200, rec.body);
  t.match(rec.json().data, { id: d.id, status: 'succeeded', invoice_ids: [order.invoice_id] });
  t.equal((await invoiceRow(app.db, order.invoice_id)).status, 'paid');
  t.equal((await orderRow(app.db, order.id)).status, 'paid');
  t.equal((await products(u)).length, 2);
  const twice = await call(app, u.token, 'POST', transferUrl(u.accountId, d.id));
  t.equal(twice.statusCode, 409, 'only a pending IBAN payment');
  t.equal(twice.json().error.code, 'conflict_error');

  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const inv = await addInvoice(app.db, u.accountId, 800);
  const card = await pay(u, { invoice_ids: [inv], method: 'card' });
  t.equal(
    (await call(app, u.token, 'POST', transferUrl(u.accountId, card.json().data.id))).statusCode,
    409,
    'not an IBAN payment',
  );
  t.equal((await call(app, u.token, 'POST', transferUrl(u.accountId, 999999))).statusCode, 404);
});

t.test('refusals of the body', async (t) => {
  const u = await createUser(app.db);
  const inv = await addInvoice(app.db, u.accountId, 100);
  const order = await placeOrder(app, u.token, u.accountId, ORDER);
  t.equal((await pay(u, { method: 'card' })).statusCode, 422, 'neither invoice_ids nor order_id');
  t.equal((await pay(u, { invoice_ids: [inv], order_id: order.id, method: 'card' })).statusCode, 422, 'both');
  const noMethod = await pay(u, { invoice_ids: [inv], method: 'twint' });
  t.equal(noMethod.statusCode, 422);
  t.same(failedAttributes(noMethod.json()), ['payment_method_id']);
  await setCurrency(app.db, u.accountId, 'EUR');
  const pf = await pay(u, { invoice_ids: [inv], method: 'postfinance' });
  t.equal(pf.statusCode, 422, 'postfinance only in CHF');
  t.same(failedAttributes(pf.json()), ['method']);
  await setCurrency(app.db, u.accountId, 'CHF');
  const twint = await saveMethod(app, u.token, u.accountId, { kind: 'twint', phone: '+41791234567' });
  const wrong = await pay(u, { invoice_ids: [inv], method: 'card', payment_method_id: twint });
  t.equal(wrong.statusCode, 422, 'a twint method for a card payment');
  t.equal((await pay(u, { invoice_ids: [inv], method: 'card', payment_method_id: 999999 })).statusCode, 404);
  t.equal((await pay(u, { invoice_ids: [inv], method: 'prepaid', payment_method_id: twint })).statusCode, 422);
  t.equal((await pay(u, { invoice_ids: [inv, 999999], method: 'twint' })).statusCode, 404, 'an unknown invoice');
  t.equal((await pay(u, { order_id: 999999, method: 'twint' })).statusCode, 404, 'an unknown order');
  const tw = await pay(u, { invoice_ids: [inv], method: 'twint' });
  t.equal(tw.statusCode, 201, 'twint with the latest twint method');
  t.match(tw.json().data, { status: 'succeeded', payment_method_id: twint });
  t.equal((await paymentRows(app.db, u.accountId)).length, 1);
});

t.test('the prepaid account covers everything: no saved method needed, nothing charged', async (t) => {
  const u = await createUser(app.db);
  const inv = await addInvoice(app.db, u.accountId, 1200);
  await fundPrepaid(app.db, u.accountId, 5000);
  const res = await pay(u, { invoice_ids: [inv], method: 'card', use_prepaid: true });
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json().data, {
    status: 'succeeded',
    method: 'card',
    payment_method_id: null,
    amount: 1200,
    prepaid_amount: 1200,
    processor_reference: null,
  });
  t.equal(await balance(app.db, u.accountId), 3800);
  t.equal((await invoiceRow(app.db, inv)).status, 'paid');
  const inv2 = await addInvoice(app.db, u.accountId, 9000);
  const short = await pay(u, { invoice_ids: [inv2], method: 'card', use_prepaid: true });
  t.equal(short.statusCode, 422, 'the rest needs a saved card');
  t.same(failedAttributes(short.json()), ['payment_method_id']);
  t.equal(await balance(app.db, u.accountId), 3800, 'nothing debited');
});

t.test('a saved card the prepaid account made unnecessary is not recorded as charged', async (t) => {
  const u = await createUser(app.db);
  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  await fundPrepaid(app.db, u.accountId, 2000);
  const all = await pay(u, {
    invoice_ids: [await addInvoice(app.db, u.accountId, 1500)],
    method: 'card',
    use_prepaid: true,
  });
  t.match(all.json().data, {
    status: 'succeeded',
    prepaid_amount: 1500,
    payment_method_id: null,
    processor_reference: null,
  });
  const part = await pay(u, {
    invoice_ids: [await addInvoice(app.db, u.accountId, 1500)],
    method: 'card',
    use_prepaid: true,
  });
  t.match(part.json().data, { status: 'succeeded', amount: 1500, prepaid_amount: 500, payment_method_id: card });
});

t.test('an Idempotency-Key replays the payment', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const inv = await addInvoice(app.db, u.accountId, 2500);
  const key = `pay-${process.pid}`;
  const first = await pay(u, { invoice_ids: [inv], method: 'card' }, { 'idempotency-key': key });
  t.equal(first.statusCode, 201);
  const again = await pay(u, { invoice_ids: [inv], method: 'card' }, { 'idempotency-key': key });
  t.equal(again.statusCode, 201, 'replayed, not 409');
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(again.json(), first.json());
  t.equal((await paymentRows(app.db, u.accountId)).length, 1);
  const other = await pay(u, { invoice_ids: [inv], method: 'twint' }, { 'idempotency-key': key });
  t.equal(other.statusCode, 422, 'same key, another body');
  t.same(failedAttributes(other.json()), ['Idempotency-Key']);
});

t.test('list: pagination and status filter', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const ids: number[] = [];
  for (let i = 0; i < 3; i++)
    ids.push(
      (await pay(u, { invoice_ids: [await addInvoice(app.db, u.accountId, 100 + i)], method: 'card' })).json().data.id,
    );
  await pay(u, { invoice_ids: [await addInvoice(app.db, u.accountId, 100)], method: 'iban' });
  const all = await call(app, u.token, 'GET', paymentsUrl(u.accountId));
  t.equal(all.statusCode, 200);
  t.equal(all.json().total, 4);
  const page = (
    await call(app, u.token, 'GET', `${paymentsUrl(u.accountId)}?per_page=2&page=2&filter[status]=succeeded`)
  ).json();
  t.equal(page.total, 3);
  t.same(
    page.data.map((p: { id: number }) => p.id),
    [ids[0]],
    'newest first',
  );
  t.equal((await call(app, u.token, 'GET', `${paymentsUrl(u.accountId)}?status=pending`)).json().total, 1);
  t.equal((await call(app, u.token, 'GET', `${paymentsUrl(u.accountId)}?status=bogus`)).statusCode, 422);
  t.equal((await call(app, u.token, 'GET', paymentUrl(u.accountId, 999999))).statusCode, 404);
});
