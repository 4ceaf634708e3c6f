import t from 'tap';
import { ADMIN_TOKEN, buildTestApp, bearer, needsPostgres } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { CARDS, saveCard } from '../../factories/billing.js';
import { fundPrepaid, paymentsUrl } from '../../factories/payments.js';
import { renewalsUrl } from '../../factories/due.js';
import { addDomain, clockTo, DAY, product, productAutoRenewalUrl } from '../../factories/renewals.js';
import { addMonths } from '../../../src/modules/invoices/pricing.js';
import type { App } from '../../factories/organisations.js';

// A product is renewed at most once per period (its expiry): one renewal invoice per product and
// period, whoever issues it (a renewal by hand, the renewal run), and paying extends it once.
// Each case has its own database, so one case's products never meet another's run.

const post = (app: App, u: TestUser, url: string, payload: unknown) =>
  app.inject({ method: 'POST', url, headers: bearer(u.token), payload: payload as object });
const renewByHand = (app: App, u: TestUser, productId: number, months = 12) =>
  post(app, u, renewalsUrl(u.accountId), { items: [{ product_id: productId, period_months: months }] });
const renewalInvoicesOf = (app: App, productId: number) =>
  app.db
    .selectFrom('invoice_lines as l')
    .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
    .select(['i.id', 'i.status', 'i.total'])
    .where('l.product_id', '=', productId)
    .where('i.kind', '=', 'renewal')
    .orderBy('i.id')
    .execute();
const expiryOf = async (app: App, id: number) => Number((await product(app.db, id)).expired_at);

t.test(
  'a second renewal by hand of the same period is 409 naming the open invoice; paid, the next period can be renewed',
  async (t) => {
    const app = await buildTestApp(t);
    const u = await createUser(app.db);
    const id = await addDomain(app.db, u.accountId, 30);
    const expiry = await expiryOf(app, id);
    const first = await renewByHand(app, u, id);
    t.equal(first.statusCode, 201, first.body);
    const invoice = first.json().data;
    const second = await renewByHand(app, u, id, 24);
    t.equal(second.statusCode, 409, 'another period length does not make another period');
    t.match(second.json().error, { code: 'conflict_error', context: { product_ids: [id], invoice_ids: [invoice.id] } });
    t.equal((await renewalInvoicesOf(app, id)).length, 1);

    await fundPrepaid(app.db, u.accountId, 100_000);
    t.equal(
      (await post(app, u, paymentsUrl(u.accountId), { invoice_ids: [invoice.id], method: 'prepaid' })).statusCode,
      201,
    );
    t.equal(await expiryOf(app, id), addMonths(expiry, 12), 'extended by one period');
    const next = await renewByHand(app, u, id);
    t.equal(next.statusCode, 201, 'the next period is renewable once this one is paid');
  },
);

t.test('the renewal run charges the renewal invoiced by hand for the period instead of issuing a second', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const id = await addDomain(app.db, u.accountId, 30);
  const expiry = await expiryOf(app, id);
  const byHand = (await renewByHand(app, u, id, 24)).json().data;
  const on = await app.inject({
    method: 'PUT',
    url: productAutoRenewalUrl(u.accountId, id),
    headers: bearer(u.token),
    payload: { enabled: true, payment_method_id: card },
  });
  t.equal(on.statusCode, 200, on.body);

  t.same((await clockTo(app, expiry - 13 * DAY)).renewals, { succeeded: 1, failed: 0, locked: 0 });
  t.same(
    (await renewalInvoicesOf(app, id)).map((i) => [i.id, i.status]),
    [[byHand.id, 'paid']],
    'the invoice by hand was paid, no other issued',
  );
  t.equal(await expiryOf(app, id), addMonths(expiry, 24), 'extended once, by the period invoiced');
  const payments = await app.db
    .selectFrom('payments')
    .select(['amount', 'status'])
    .where('account_id', '=', u.accountId)
    .execute();
  t.same(payments, [{ amount: byHand.total, status: 'succeeded' }], 'charged once');
});

t.test(
  'a declined run leaves its invoice for the period: a renewal by hand is 409 and paying that invoice renews',
  async (t) => {
    const app = await buildTestApp(t);
    const u = await createUser(app.db);
    const card = await saveCard(app, u.token, u.accountId, CARDS.declined);
    const id = await addDomain(app.db, u.accountId, 30);
    const expiry = await expiryOf(app, id);
    await app.inject({
      method: 'PUT',
      url: productAutoRenewalUrl(u.accountId, id),
      headers: bearer(u.token),
      payload: { enabled: true, payment_method_id: card },
    });
    t.same((await clockTo(app, expiry - 13 * DAY)).renewals, { succeeded: 0, failed: 1, locked: 0 });
    const [runs] = await renewalInvoicesOf(app, id);
    const byHand = await renewByHand(app, u, id);
    t.equal(byHand.statusCode, 409);
    t.match(byHand.json().error.context, { invoice_ids: [runs.id] });
    await fundPrepaid(app.db, u.accountId, 100_000);
    t.equal(
      (await post(app, u, paymentsUrl(u.accountId), { invoice_ids: [runs.id], method: 'prepaid' })).statusCode,
      201,
    );
    t.equal(await expiryOf(app, id), addMonths(expiry, 12));
    t.same(
      (await clockTo(app, expiry - 12 * DAY)).renewals,
      { succeeded: 0, failed: 0, locked: 0 },
      'renewed: the run has nothing to do',
    );
  },
);

t.test('an invoice by hand renewing several products is left to its payer: the run issues no second one', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const id = await addDomain(app.db, u.accountId, 30);
  const other = await addDomain(app.db, u.accountId, 300);
  const expiry = await expiryOf(app, id);
  const both = await post(app, u, renewalsUrl(u.accountId), {
    items: [
      { product_id: id, period_months: 12 },
      { product_id: other, period_months: 12 },
    ],
  });
  t.equal(both.statusCode, 201);
  await app.inject({
    method: 'PUT',
    url: productAutoRenewalUrl(u.accountId, id),
    headers: bearer(u.token),
    payload: { enabled: true, payment_method_id: card },
  });
  t.same((await clockTo(app, expiry - 13 * DAY)).renewals, { succeeded: 0, failed: 1, locked: 0 });
  const attempt = await app.db
    .selectFrom('renewal_attempts')
    .select(['failure_code', 'invoice_id'])
    .where('product_id', '=', id)
    .executeTakeFirstOrThrow();
  t.same(attempt, { failure_code: 'renewal_invoiced', invoice_id: null });
  t.equal((await renewalInvoicesOf(app, id)).length, 1);
  t.equal(await expiryOf(app, id), expiry);
});

t.test(
  'racing over real HTTP: renewals by hand and the renewal run on one product issue one invoice for the period, paid once',
  needsPostgres('row locks between concurrent transactions'),
  async (t) => {
    const app = await buildTestApp(t);
    const u = await createUser(app.db);
    const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
    const id = await addDomain(app.db, u.accountId, 30);
    const expiry = await expiryOf(app, id);
    await app.inject({
      method: 'PUT',
      url: productAutoRenewalUrl(u.accountId, id),
      headers: bearer(u.token),
      payload: { enabled: true, payment_method_id: card },
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const send = (method: string, url: string, token: string, body: unknown) =>
      fetch(`${address}${url}`, {
        method,
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    const statuses = await Promise.all([
      ...Array.from({ length: 6 }, () =>
        send('POST', renewalsUrl(u.accountId), u.token, { items: [{ product_id: id, period_months: 12 }] }),
      ),
      send('PUT', '/_mirror/clock', ADMIN_TOKEN, { now: expiry - 13 * DAY }),
    ]);
    t.ok(
      statuses.every((s) => s === 200 || s === 201 || s === 409),
      `no server error: ${statuses.join(', ')}`,
    );

    // Whatever the order: one renewal invoice per period (a renewal by hand after the run paid
    // this period renews the next one); paying what is left unpaid renews each period once.
    const lines = await app.db
      .selectFrom('invoice_lines')
      .select(['invoice_id', 'renews_expired_at'])
      .where('product_id', '=', id)
      .orderBy('id')
      .execute();
    const periods = lines.map((l) => l.renews_expired_at);
    t.same(periods, [...new Set(periods)], `one invoice per period: ${periods.join(', ')}`);
    t.equal(periods[0], expiry, 'the first renews the expiry the product had');
    await fundPrepaid(app.db, u.accountId, 1_000_000);
    for (const i of (await renewalInvoicesOf(app, id)).filter((x) => x.status === 'unpaid')) {
      t.equal(
        (await post(app, u, paymentsUrl(u.accountId), { invoice_ids: [i.id], method: 'prepaid' })).statusCode,
        201,
      );
    }
    const extended = periods.reduce<number>((at) => addMonths(at, 12), expiry);
    t.equal(await expiryOf(app, id), extended, `extended once per period invoiced (${periods.length})`);
  },
);
