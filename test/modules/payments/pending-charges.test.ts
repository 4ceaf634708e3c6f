import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, needsPostgres, sameDatabase, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { balanceOf, cardBody, creditUrl, ledger, methodsUrl, saveCard, saveMethod } from '../../factories/billing.js';
import { addInvoice, fundPrepaid, invoiceRow, paymentUrl, paymentsUrl } from '../../factories/payments.js';
import { placeOrder } from '../../factories/invoices.js';
import { addDomain, attemptsUrl, DAY, outbox, product, productAutoRenewalUrl } from '../../factories/renewals.js';
import type { App } from '../../factories/organisations.js';
import { renewalsUrl } from '../../factories/due.js';
import { addMonths } from '../../../src/modules/invoices/pricing.js';

// Pending card, Twint, PayPal and PostFinance charges resolve on the mirror's clock: the test
// numbers that settle succeed 5 minutes (mirror time) after the charge, those that lapse are
// declined then; the job runs when the control plane moves the clock. Each case has its own
// database (the clock and the job are the database's).

const SETTLES = '4000000000003063';
const LAPSES = '4000000000003097';
const STAYS = '4000000000000259';

const post = (app: App, u: TestUser, url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, headers: bearer(u.token), payload: payload as object });
const get = (app: App, u: TestUser, url: string) => app.inject({ method: 'GET', url, headers: bearer(u.token) });
async function advance(app: App, by: string) {
  const res = await app.inject({
    method: 'PUT',
    url: '/_mirror/clock',
    headers: bearer(ADMIN_TOKEN),
    payload: { advance: by },
  });
  if (res.statusCode !== 200) throw new Error(`moving the clock answered ${res.statusCode}: ${res.body}`);
  return res.json().data as {
    charges: { succeeded: number; failed: number };
    renewals: { succeeded: number; failed: number; locked: number };
  };
}
const paymentOf = async (app: App, u: TestUser, id: number) =>
  (await get(app, u, paymentUrl(u.accountId, id))).json().data;

t.test(
  'a pending card charge succeeds 5 minutes later: the invoice paid, the prepaid part debited once, as an immediate success',
  async (t) => {
    const app = await buildTestApp(t);
    const u = await createUser(app.db);
    await saveCard(app, u.token, u.accountId, SETTLES);
    await fundPrepaid(app.db, u.accountId, 400);
    const invoice = await addInvoice(app.db, u.accountId, 1500);
    const paid = await post(app, u, paymentsUrl(u.accountId), {
      invoice_ids: [invoice],
      method: 'card',
      use_prepaid: true,
    });
    t.equal(paid.statusCode, 201, paid.body);
    const id = paid.json().data.id;
    t.match(paid.json().data, { status: 'pending', amount: 1500, prepaid_amount: 400 });
    t.equal((await invoiceRow(app.db, invoice)).status, 'unpaid');
    t.equal(await balanceOf(app.db, u.accountId), 400, 'nothing debited while pending');

    t.same((await advance(app, '4m')).charges, { succeeded: 0, failed: 0 }, 'still pending 4 minutes later');
    t.equal((await paymentOf(app, u, id)).status, 'pending');
    t.same((await advance(app, '1m')).charges, { succeeded: 1, failed: 0 }, 'settled at 5 minutes');
    t.match(await paymentOf(app, u, id), { status: 'succeeded', failure_code: null, invoice_ids: [invoice] });
    t.match(await invoiceRow(app.db, invoice), { status: 'paid' });
    t.same(
      (await ledger(app.db, u.accountId)).map((l) => [l.kind, Number(l.amount), l.payment_id]),
      [
        ['credit', 400, null],
        ['debit', -400, id],
      ],
    );
    t.same((await advance(app, '1d')).charges, { succeeded: 0, failed: 0 }, 'settled once');
    t.equal(await balanceOf(app.db, u.accountId), 0);
    const listed = (await get(app, u, `${paymentsUrl(u.accountId)}?status=succeeded`)).json().data;
    t.same(
      listed.map((p: { id: number }) => p.id),
      [id],
      'the list filters by the new status',
    );
  },
);

t.test(
  'an order paid by a pending Twint charge is fulfilled when it succeeds, and switches auto-renewal on',
  async (t) => {
    const app = await buildTestApp(t);
    const u = await createUser(app.db);
    const order = await placeOrder(app, u.token, u.accountId, [
      { service_name: 'domain', customer_name: 'pending-order.ch', period_months: 12 },
    ]);
    const paid = await post(app, u, paymentsUrl(u.accountId), {
      order_id: order.id,
      method: 'twint',
      phone: '+41 79 000 30 63',
    });
    t.equal(paid.statusCode, 201, paid.body);
    t.equal(paid.json().data.status, 'pending');
    t.equal((await advance(app, '5m')).charges.succeeded, 1);
    const orders = await app.db
      .selectFrom('orders')
      .select('status')
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    t.equal(orders.status, 'paid', 'the order is fulfilled');
    const made = await app.db
      .selectFrom('products')
      .select(['id', 'auto_renewal', 'auto_renewal_method_id'])
      .where('account_id', '=', u.accountId)
      .execute();
    t.equal(made.length, 1, 'its product exists');
    t.match(made[0], { auto_renewal: true, auto_renewal_method_id: paid.json().data.payment_method_id });
  },
);

t.test(
  'a pending charge that lapses is declined 5 minutes later: the payment failed, the invoice still payable',
  async (t) => {
    const app = await buildTestApp(t);
    const u = await createUser(app.db);
    const lapses = await saveCard(app, u.token, u.accountId, LAPSES);
    await fundPrepaid(app.db, u.accountId, 300);
    const invoice = await addInvoice(app.db, u.accountId, 1000);
    const id = (
      await post(app, u, paymentsUrl(u.accountId), {
        invoice_ids: [invoice],
        method: 'card',
        payment_method_id: lapses,
        use_prepaid: true,
      })
    ).json().data.id;
    t.same((await advance(app, '5m')).charges, { succeeded: 0, failed: 1 });
    t.match(await paymentOf(app, u, id), { status: 'failed', failure_code: 'card_declined' });
    t.equal((await invoiceRow(app.db, invoice)).status, 'unpaid');
    t.equal(await balanceOf(app.db, u.accountId), 300, 'the planned prepaid part was never debited');
    const ok = await saveCard(app, u.token, u.accountId, '4242424242424242');
    const again = await post(app, u, paymentsUrl(u.accountId), {
      invoice_ids: [invoice],
      method: 'card',
      payment_method_id: ok,
    });
    t.equal(again.statusCode, 201, 'the invoice can be paid again');
    t.equal(again.json().data.status, 'succeeded');
  },
);

t.test(
  'deposits: a pending one that settles is credited once, an e-mail method (PostFinance) lapses, the old test numbers stay pending',
  async (t) => {
    const app = await buildTestApp(t);
    const u = await createUser(app.db);
    await app.db.updateTable('accounts').set({ currency: 'CHF' }).where('id', '=', u.accountId).execute();
    const settles = await saveCard(app, u.token, u.accountId, SETTLES);
    const stays = await saveCard(app, u.token, u.accountId, STAYS);
    const lapses = await saveMethod(app, u.token, u.accountId, {
      kind: 'postfinance',
      email: 'pending-declines@example.test',
    });
    const deposit = async (body: Record<string, unknown>) =>
      (await post(app, u, creditUrl(u.accountId), { amount: 2500, ...body })).json().data;
    const a = await deposit({ method: 'card', payment_method_id: settles });
    const b = await deposit({ method: 'card', payment_method_id: stays });
    const c = await deposit({ method: 'postfinance', payment_method_id: lapses });
    t.same([a.status, b.status, c.status], ['pending', 'pending', 'pending']);
    t.same((await advance(app, '10m')).charges, { succeeded: 1, failed: 1 });
    t.equal((await paymentOf(app, u, a.payment_id)).status, 'succeeded');
    t.match(await paymentOf(app, u, c.payment_id), { status: 'failed', failure_code: 'declined' });
    t.equal((await paymentOf(app, u, b.payment_id)).status, 'pending', '4000000000000259 stays pending');
    t.same(
      (await ledger(app.db, u.accountId)).map((l) => [l.kind, Number(l.amount), l.payment_id]),
      [['credit', 2500, a.payment_id]],
    );
    t.same((await advance(app, '30d')).charges, { succeeded: 0, failed: 0 }, 'nothing more resolves');
    t.equal((await paymentOf(app, u, b.payment_id)).status, 'pending');
    const saved = await app.inject({
      method: 'POST',
      url: methodsUrl(u.accountId),
      headers: bearer(u.token),
      payload: cardBody(LAPSES),
    });
    t.equal(saved.statusCode, 201, 'the new test numbers are valid cards');
  },
);

t.test('invoices paid meanwhile by another payment: the pending charge captures nothing and fails', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const settles = await saveCard(app, u.token, u.accountId, SETTLES);
  await fundPrepaid(app.db, u.accountId, 5000);
  const invoice = await addInvoice(app.db, u.accountId, 1200);
  const pending = (
    await post(app, u, paymentsUrl(u.accountId), { invoice_ids: [invoice], method: 'card', payment_method_id: settles })
  ).json().data;
  t.equal(
    (await post(app, u, paymentsUrl(u.accountId), { invoice_ids: [invoice], method: 'prepaid' })).statusCode,
    201,
  );
  t.same((await advance(app, '5m')).charges, { succeeded: 0, failed: 1 });
  t.match(await paymentOf(app, u, pending.id), { status: 'failed', failure_code: 'invoice_not_payable' });
  t.equal(await balanceOf(app.db, u.accountId), 3800, 'paid once, by the prepaid account');
});

t.test(
  "the renewal run's pending charge: the product renewed when it succeeds, the attempt succeeds, the owner is told",
  async (t) => {
    const app = await buildTestApp(t);
    const u = await createUser(app.db);
    const card = await saveCard(app, u.token, u.accountId, SETTLES);
    const id = await addDomain(app.db, u.accountId, 30);
    const expiry = Number((await product(app.db, id)).expired_at);
    await app.inject({
      method: 'PUT',
      url: productAutoRenewalUrl(u.accountId, id),
      headers: bearer(u.token),
      payload: { enabled: true, payment_method_id: card },
    });
    const clock = (
      await app.inject({
        method: 'PUT',
        url: '/_mirror/clock',
        headers: bearer(ADMIN_TOKEN),
        payload: { now: expiry - 13 * DAY },
      })
    ).json().data;
    t.same(
      clock.renewals,
      { succeeded: 0, failed: 1, locked: 0 },
      'the charge is pending: a failed attempt, retried tomorrow',
    );
    t.same((await advance(app, '5m')).charges, { succeeded: 1, failed: 0 });
    const after = await product(app.db, id);
    t.ok(Number(after.expired_at) > expiry + 360 * DAY, 'renewed for a year');
    t.equal(after.next_renewal_attempt_at, null, 'no retry left');
    const attempts = (await get(app, u, `${attemptsUrl(u.accountId)}?order=asc&order_by=id`)).json().data;
    t.match(attempts, [
      { status: 'failed', failure_code: 'payment_pending' },
      { status: 'succeeded', new_expired_at: Number(after.expired_at), for_expired_at: expiry },
    ]);
    t.same(
      (await outbox(app, `recipient=${encodeURIComponent(u.email)}&order_by=id&order=asc`)).map((n) => n.kind),
      ['auto_renewal_reminder', 'auto_renewal_failed', 'auto_renewal_succeeded'],
    );
    t.same(
      (await advance(app, '1d')).renewals,
      { succeeded: 0, failed: 0, locked: 0 },
      'the next day: nothing due, nothing charged again',
    );
    const payments = await app.db
      .selectFrom('payments')
      .select('status')
      .where('account_id', '=', u.accountId)
      .execute();
    t.same(payments, [{ status: 'succeeded' }]);
  },
);

t.test(
  'two instances resolving at once settle each charge once',
  needsPostgres('two connection pools whose jobs overlap'),
  async (t) => {
    const database = await testDatabase(t);
    const one = await buildTestApp(t, { database });
    const two = await buildTestApp(t, { database: sameDatabase(t, database) });
    const u = await createUser(one.db);
    await saveCard(one, u.token, u.accountId, SETTLES);
    // Renewals: settling one twice would extend its product twice.
    const products = [];
    for (let i = 0; i < 8; i++) {
      const id = await addDomain(one.db, u.accountId, 200);
      const invoice = (
        await post(one, u, renewalsUrl(u.accountId), { items: [{ product_id: id, period_months: 12 }] })
      ).json().data;
      const paid = await post(one, u, paymentsUrl(u.accountId), { invoice_ids: [invoice.id], method: 'card' });
      t.equal(paid.json().data.status, 'pending');
      products.push({ id, expiry: Number((await product(one.db, id)).expired_at) });
    }
    const at = Math.floor(Date.now() / 1000) + 3600;
    const move = (app: App) =>
      app
        .inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: { now: at } })
        .then((r) => r.json().data.charges as { succeeded: number; failed: number });
    const answers = await Promise.all([move(one), move(two), move(one), move(two)]);
    t.equal(
      answers.reduce((s, a) => s + a.succeeded, 0),
      products.length,
      'each charge settled by exactly one run',
    );
    for (const p of products)
      t.equal(
        Number((await product(one.db, p.id)).expired_at),
        addMonths(p.expiry, 12),
        `product ${p.id} extended once`,
      );
    const statuses = await one.db
      .selectFrom('payments')
      .select('status')
      .where('account_id', '=', u.accountId)
      .execute();
    t.same(new Set(statuses.map((x) => x.status)), new Set(['succeeded']));
  },
);
