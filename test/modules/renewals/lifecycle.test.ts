import t from 'tap';
import { buildTestApp, call } from '../../helper.js';
import { createMember } from '../../factories/organisations.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { CARDS, saveCard, saveMethod } from '../../factories/billing.js';
import {
  addDomain,
  attemptsUrl,
  clockTo,
  DAY,
  outbox,
  product,
  productAutoRenewalUrl,
} from '../../factories/renewals.js';

// A product's whole life under auto-renewal, on a clock the test moves: the run charges 14 days
// before expiry, retries a decline once a day, and locks the product at expiry if nothing was paid.
// Each case has its own database, so one case's products never meet another's run.

interface Attempt {
  status: string;
  failure_code: string | null;
  for_expired_at: number;
  new_expired_at: number | null;
  invoice_id: number | null;
  next_attempt_at: number | null;
  payment_id: number | null;
}

async function scene(t: Tap, card: string) {
  const app = await buildTestApp(t);
  const owner = await createUser(app.db);
  const biller = await createMember(app.db, owner.accountId, 'normal', { has_billing_access: true });
  const plain = await createMember(app.db, owner.accountId, 'normal');
  const method = await saveCard(app, owner.token, owner.accountId, card);
  const productId = await addDomain(app.db, owner.accountId, 30, 'renew-me.ch');
  const on = await call(app, owner.token, 'PUT', productAutoRenewalUrl(owner.accountId, productId), {
    enabled: true,
    payment_method_id: method,
  });
  t.equal(on.statusCode, 200, on.body);
  const expiry = Number((await product(app.db, productId)).expired_at);
  const attempts = async () =>
    (await call(app, owner.token, 'GET', `${attemptsUrl(owner.accountId)}?order=asc&order_by=id`)).json()
      .data as Attempt[];
  const notices = async (who: TestUser | { email: string }) =>
    outbox(app, `recipient=${encodeURIComponent(who.email)}&order_by=id&order=asc`);
  return { app, owner, biller, plain, method, productId, expiry, attempts, notices };
}
type Tap = Parameters<typeof buildTestApp>[0] & { equal: typeof t.equal };

t.test('success: nothing at 15 days before expiry, renewed at 13 days, notified', async (t) => {
  const s = await scene(t, CARDS.visa);
  t.same(
    (await clockTo(s.app, s.expiry - 15 * DAY)).renewals,
    { succeeded: 0, failed: 0, locked: 0 },
    'outside the window: nothing',
  );
  t.same(await s.attempts(), []);

  const run = await clockTo(s.app, s.expiry - 13 * DAY);
  t.same(run.renewals, { succeeded: 1, failed: 0, locked: 0 }, 'inside the window: renewed');
  const [attempt] = await s.attempts();
  t.match(attempt, { status: 'succeeded', for_expired_at: s.expiry, failure_code: null, next_attempt_at: null });
  const after = await product(s.app.db, s.productId);
  t.equal(Number(after.expired_at), attempt.new_expired_at, 'the attempt says the new expiry');
  const years = (Number(after.expired_at) - s.expiry) / (365 * DAY);
  t.ok(years > 0.99 && years < 1.01, `extended by the shortest period, a year (${years.toFixed(3)})`);
  const invoice = await s.app.db
    .selectFrom('invoices')
    .selectAll()
    .where('id', '=', attempt.invoice_id!)
    .executeTakeFirstOrThrow();
  t.match(invoice, { kind: 'renewal', status: 'paid' });
  const payment = await s.app.db
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', attempt.payment_id!)
    .executeTakeFirstOrThrow();
  t.match(payment, {
    status: 'succeeded',
    method: 'card',
    payment_method_id: s.method,
    amount: invoice.total,
    created_by_id: null,
  });

  for (const who of [s.owner, s.biller]) {
    t.same(
      (await s.notices(who)).map((n) => n.kind),
      ['auto_renewal_reminder', 'auto_renewal_succeeded'],
      `${who.email} hears of it`,
    );
  }
  t.same(await s.notices(s.plain), [], 'a member without billing access does not');

  t.same(
    (await clockTo(s.app, s.expiry - 12 * DAY)).renewals,
    { succeeded: 0, failed: 0, locked: 0 },
    'renewed: not due again',
  );
  t.equal((await s.attempts()).length, 1, 'charged once for the period');
});

t.test('decline, retried the next day, then success once the card works again', async (t) => {
  const s = await scene(t, CARDS.insufficient);
  t.same((await clockTo(s.app, s.expiry - 14 * DAY)).renewals, { succeeded: 0, failed: 1, locked: 0 });
  const [first] = await s.attempts();
  t.match(first, { status: 'failed', failure_code: 'insufficient_funds', next_attempt_at: s.expiry - 13 * DAY });
  t.notOk((await product(s.app.db, s.productId)).is_locked);
  t.same(
    (await clockTo(s.app, s.expiry - 14 * DAY + 3600)).renewals,
    { succeeded: 0, failed: 0, locked: 0 },
    'not again the same day',
  );

  // The customer replaces the card and points auto-renewal at it.
  const good = await saveCard(s.app, s.owner.token, s.owner.accountId, CARDS.mastercard);
  t.equal(
    (
      await call(s.app, s.owner.token, 'PUT', productAutoRenewalUrl(s.owner.accountId, s.productId), {
        enabled: true,
        payment_method_id: good,
      })
    ).statusCode,
    422,
    'switching on again inside the 14 days is refused, as upstream',
  );
  await s.app.db.updateTable('products').set({ auto_renewal_method_id: good }).where('id', '=', s.productId).execute();

  t.same(
    (await clockTo(s.app, s.expiry - 13 * DAY)).renewals,
    { succeeded: 1, failed: 0, locked: 0 },
    'the retry a day later succeeds',
  );
  const [, second] = await s.attempts();
  t.match(second, { status: 'succeeded', invoice_id: first.invoice_id }, 'the retry charges the same invoice');
  const invoices = await s.app.db
    .selectFrom('invoices')
    .select(['id', 'status'])
    .where('account_id', '=', s.owner.accountId)
    .execute();
  t.same(
    invoices.map((i) => i.status),
    ['paid'],
    'one renewal invoice, paid',
  );
  t.same(
    (await s.notices(s.owner)).map((n) => n.kind),
    ['auto_renewal_reminder', 'auto_renewal_failed', 'auto_renewal_succeeded'],
  );
});

t.test('declined every day until expiry: the product is locked, paying it by hand unlocks it', async (t) => {
  const s = await scene(t, CARDS.declined);
  for (const d of [14, 13, 12])
    t.same((await clockTo(s.app, s.expiry - d * DAY)).renewals.failed, 1, `declined at D-${d}`);
  t.equal((await s.attempts()).length, 3);
  t.equal((await s.attempts()).filter((a) => a.failure_code === 'card_declined').length, 3);
  const lastRetry = await clockTo(s.app, s.expiry - DAY);
  t.same(lastRetry.renewals, { succeeded: 0, failed: 1, locked: 0 }, 'retries go on up to the day before');
  t.match((await s.attempts()).at(-1), { next_attempt_at: s.expiry }, 'the next look is at expiry');
  t.notOk((await product(s.app.db, s.productId)).is_locked, 'not locked before expiry');

  t.same(
    (await clockTo(s.app, s.expiry + 60)).renewals,
    { succeeded: 0, failed: 0, locked: 1 },
    'the expiry day: locked',
  );
  t.ok((await product(s.app.db, s.productId)).is_locked);
  t.match((await s.attempts()).at(-1), { status: 'locked', for_expired_at: s.expiry });
  t.same((await clockTo(s.app, s.expiry + 2 * DAY)).renewals, { succeeded: 0, failed: 0, locked: 0 }, 'locked once');
  t.equal((await s.notices(s.owner)).filter((n) => n.kind === 'product_locked').length, 1);
  const list = (await call(s.app, s.owner.token, 'GET', `/1/accounts/${s.owner.accountId}/auto_renewal`)).json().data;
  t.match(list, [{ product_id: s.productId, is_locked: true, next_attempt_at: null }]);

  // Paying the open renewal invoice by hand (another card) renews and unlocks the product.
  const invoiceId = (await s.attempts())[0].invoice_id!;
  await saveMethod(s.app, s.owner.token, s.owner.accountId, { kind: 'twint', phone: '+41795550101' });
  const paid = await call(s.app, s.owner.token, 'POST', `/1/accounts/${s.owner.accountId}/payments`, {
    invoice_ids: [invoiceId],
    method: 'twint',
  });
  t.equal(paid.statusCode, 201, paid.body);
  const after = await product(s.app.db, s.productId);
  t.notOk(after.is_locked, 'unlocked');
  t.ok(Number(after.expired_at) > s.expiry + 300 * DAY, 'renewed for a year from now');
  t.ok(after.auto_renewal, 'auto-renewal on with the method that paid');
});

t.test('a pending charge is not a renewal: retried like a decline', async (t) => {
  const s = await scene(t, CARDS.pending);
  t.same((await clockTo(s.app, s.expiry - 14 * DAY)).renewals, { succeeded: 0, failed: 1, locked: 0 });
  t.match(await s.attempts(), [{ status: 'failed', failure_code: 'payment_pending' }]);
});

t.test('no usable method: a failed attempt that says so', async (t) => {
  const s = await scene(t, CARDS.visa);
  t.equal(
    (await call(s.app, s.owner.token, 'DELETE', `/1/accounts/${s.owner.accountId}/payment_methods/${s.method}`))
      .statusCode,
    200,
  );
  t.same((await clockTo(s.app, s.expiry - 14 * DAY)).renewals, { succeeded: 0, failed: 1, locked: 0 });
  t.match(await s.attempts(), [{ status: 'failed', failure_code: 'no_payment_method', payment_id: null }]);
  const [reminder] = await s.notices(s.owner);
  t.match(reminder, { kind: 'auto_renewal_reminder', body: /no saved payment method/ });
});

t.test('the run happens at the very time the clock is moved to, however long the request takes', async (t) => {
  const s = await scene(t, CARDS.declined);
  // Every reading of the machine's clock is a second later than the one before.
  const realNow = Date.now;
  let ticks = 0;
  Date.now = () => realNow() + 1000 * ++ticks;
  t.teardown(() => {
    Date.now = realNow;
  });
  const moved = await clockTo(s.app, s.expiry - 14 * DAY);
  Date.now = realNow;
  t.equal(moved.now, s.expiry - 14 * DAY, 'the answer says the time asked for');
  t.match(
    await s.attempts(),
    [{ status: 'failed', created_at: s.expiry - 14 * DAY, next_attempt_at: s.expiry - 13 * DAY }],
    'the attempt is stamped with it and retried a day later, to the second',
  );
  t.same(
    (await clockTo(s.app, s.expiry - 13 * DAY)).renewals.failed,
    1,
    'so the retry is due when the clock gets there',
  );
});
