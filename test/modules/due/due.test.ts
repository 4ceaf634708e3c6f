import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { addProduct, createMember, failedAttributes } from '../../factories/organisations.js';
import { setCurrency } from '../../factories/invoices.js';
import { addInvoice, fundPrepaid, invoiceRow, paymentsUrl, transferUrl } from '../../factories/payments.js';
import {
  DUE_FIELDS,
  DUE_INVOICE_FIELDS,
  DUE_PRODUCT_FIELDS,
  dueUrl,
  priceTable,
  productRow,
  renewalsUrl,
} from '../../factories/due.js';
import { addMonths } from '../../../src/modules/invoices/pricing.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const db = app.db;

const due = (u: TestUser, window?: string, token = u.token) => call(app, token, 'GET', dueUrl(u.accountId, window));
const renew = (u: TestUser, items: unknown, headers: Record<string, string> = {}) =>
  call(app, u.token, 'POST', renewalsUrl(u.accountId), { items }, headers);

t.test("billing/due: the window, the products' periods and prices, the unpaid invoices", async (t) => {
  const u = await createUser(db);
  await setCurrency(db, u.accountId, 'CHF');
  const soon = await addProduct(db, u.accountId, 'domain', { customer_name: 'soon-renew.ch', expiresInDays: 20 });
  const expired = await addProduct(db, u.accountId, 'web_hosting', { customer_name: 'Old site', expiresInDays: -3 });
  const later = await addProduct(db, u.accountId, 'domain', { customer_name: 'later-renew.com', expiresInDays: 200 });
  await addProduct(db, u.accountId, 'domain', { customer_name: 'gone.ch', expiresInDays: 10, deleted: true });
  await addProduct(db, u.accountId, 'ksuite', { customer_name: 'No expiry', expiresInDays: null });
  const other = await createUser(db);
  await addProduct(db, other.accountId, 'domain', { customer_name: 'foreign.ch', expiresInDays: 5 });
  const unpaid = await addInvoice(db, u.accountId, 12_345);
  const paid = await addInvoice(db, u.accountId, 500);
  await db.updateTable('invoices').set({ status: 'paid' }).where('id', '=', paid).execute();
  await addInvoice(db, other.accountId, 999);

  const res = await due(u);
  t.equal(res.statusCode, 200, res.body);
  const d = res.json().data;
  t.same(Object.keys(d).sort(), DUE_FIELDS);
  t.equal(d.currency, 'CHF');
  t.same(
    d.products.map((p: { id: number }) => p.id),
    [expired.id, soon.id],
    'default window: expired or expiring within 2 months, soonest first',
  );
  t.same(Object.keys(d.products[0]).sort(), DUE_PRODUCT_FIELDS);
  const inv = await invoiceRow(db, unpaid);
  t.same(
    d.invoices,
    [{ id: unpaid, number: inv.number, total: 12_345, amount_due: 12_345, due_at: inv.due_at }],
    'only the unpaid invoice of the org',
  );
  t.same(Object.keys(d.invoices[0]).sort(), DUE_INVOICE_FIELDS);

  const chPrices = await priceTable(db, 'domain', 'ch', 'CHF');
  t.equal(chPrices.length, 10, 'the .ch list has ten periods');
  t.same(d.products[1].renewal_periods, chPrices, 'a .ch domain: every .ch period with its price');
  t.same(d.products[0].renewal_periods, await priceTable(db, 'web_hosting', '', 'CHF'));
  t.same(
    d.products[0].renewal_periods.map((p: { period_months: number }) => p.period_months),
    [1, 12],
  );

  const all = (await due(u, 'all')).json().data;
  t.same(
    all.products.map((p: { id: number }) => p.id),
    [expired.id, soon.id, later.id],
    'all: any expiry, not deleted, not without expiry',
  );
  t.same(
    all.products[2].renewal_periods,
    await priceTable(db, 'domain', '', 'CHF'),
    'a .com domain: the generic domain price',
  );
  t.same(
    all.products[2].renewal_periods.map((p: { period_months: number }) => p.period_months),
    [12],
  );

  t.same((await due(u, '2m')).json().data.products.length, 2, 'window=2m is the default');
  const bad = await due(u, '3m');
  t.equal(bad.statusCode, 422, 'an unknown window');

  await setCurrency(db, u.accountId, 'EUR');
  const eur = (await due(u)).json().data;
  t.equal(eur.currency, 'EUR');
  t.same(eur.products[1].renewal_periods, await priceTable(db, 'domain', 'ch', 'EUR'), 'prices in the org currency');
});

t.test('renewals: one renewal invoice priced from the list, VAT, number', async (t) => {
  const u = await createUser(db);
  await setCurrency(db, u.accountId, 'CHF');
  const dom = await addProduct(db, u.accountId, 'domain', { customer_name: 'renew-inv.ch', expiresInDays: 30 });
  const host = await addProduct(db, u.accountId, 'web_hosting', { customer_name: 'Site', expiresInDays: 30 });
  const domBefore = (await productRow(db, dom.id)).expired_at;
  const res = await renew(u, [
    { product_id: dom.id, period_months: 36 },
    { product_id: host.id, period_months: 1 },
  ]);
  t.equal(res.statusCode, 201, res.body);
  const inv = res.json().data;
  const chPrice = (await priceTable(db, 'domain', 'ch', 'CHF')).find((p) => p.period_months === 36)!.amount;
  const hostPrice = (await priceTable(db, 'web_hosting', '', 'CHF')).find((p) => p.period_months === 1)!.amount;
  const subtotal = chPrice + hostPrice;
  const vat = Math.floor((subtotal * 810 + 5000) / 10_000);
  t.match(inv, {
    kind: 'renewal',
    status: 'unpaid',
    currency: 'CHF',
    subtotal,
    vat_rate: 8.1,
    vat_amount: vat,
    total: subtotal + vat,
    amount_due: subtotal + vat,
    order_id: null,
  });
  t.equal(inv.number, `IKM-${new Date().getUTCFullYear()}-${String(inv.id).padStart(6, '0')}`);
  t.same(
    inv.lines.map((l: { product_id: number; period_months: number; amount: number; service_name: string }) => [
      l.product_id,
      l.service_name,
      l.period_months,
      l.amount,
    ]),
    [
      [dom.id, 'domain', 36, chPrice],
      [host.id, 'web_hosting', 1, hostPrice],
    ],
  );
  t.match(inv.lines[0].description, /renew-inv\.ch, 3 years/);

  const listed = (await due(u)).json().data.invoices;
  t.same(
    listed.map((i: { id: number }) => i.id),
    [inv.id],
    'the renewal invoice is due',
  );
  t.equal((await productRow(db, dom.id)).expired_at, domBefore, 'nothing extended before payment');

  const key = { 'idempotency-key': `renew-${inv.id}` };
  const other = await addProduct(db, u.accountId, 'web_hosting', { customer_name: 'Other site', expiresInDays: 30 });
  const first = await renew(u, [{ product_id: other.id, period_months: 12 }], key);
  t.equal(first.statusCode, 201);
  const again = await renew(u, [{ product_id: other.id, period_months: 12 }], key);
  t.equal(again.statusCode, 201);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(again.json().data.id, first.json().data.id, 'the same invoice replayed');
  const count = await db
    .selectFrom('invoices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', u.accountId)
    .executeTakeFirstOrThrow();
  t.equal(Number(count.n), 2, 'one invoice per renewal, none for the replay');
});

t.test('renewals: validation and foreign products', async (t) => {
  const u = await createUser(db);
  const dom = await addProduct(db, u.accountId, 'domain', { customer_name: 'valid.com', expiresInDays: 30 });
  const host = await addProduct(db, u.accountId, 'web_hosting', { customer_name: 'Host', expiresInDays: 30 });
  const gone = await addProduct(db, u.accountId, 'web_hosting', { customer_name: 'Gone', deleted: true });
  const other = await createUser(db);
  const foreign = await addProduct(db, other.accountId, 'domain', { customer_name: 'foreign.ch' });

  const period = await renew(u, [
    { product_id: host.id, period_months: 12 },
    { product_id: dom.id, period_months: 24 },
  ]);
  t.equal(period.statusCode, 422);
  t.same(failedAttributes(period.json()), ['items.1.period_months']);
  t.same(period.json().error.errors[0].context.values, [12], 'names the allowed periods');

  const dup = await renew(u, [
    { product_id: host.id, period_months: 12 },
    { product_id: host.id, period_months: 1 },
  ]);
  t.equal(dup.statusCode, 422);
  t.same(failedAttributes(dup.json()), ['items.1.product_id']);

  for (const [what, id] of [
    ['foreign', foreign.id],
    ['unknown', 2_000_000_000],
    ['deleted', gone.id],
  ] as const) {
    const res = await renew(u, [
      { product_id: host.id, period_months: 12 },
      { product_id: id, period_months: 12 },
    ]);
    t.equal(res.statusCode, 404, `${what} product`);
    t.equal(res.json().error.code, 'object_not_found');
  }
  t.equal((await renew(u, [])).statusCode, 422, 'no items');
  t.equal((await renew(u, [{ product_id: host.id, period_months: 12, extra: 1 }])).statusCode, 422, 'unknown field');
  const none = await db.selectFrom('invoices').select('id').where('account_id', '=', u.accountId).execute();
  t.same(none, [], 'no invoice written by a refused renewal');
});

t.test('paying a renewal by prepaid extends each product by its period', async (t) => {
  const u = await createUser(db);
  await setCurrency(db, u.accountId, 'CHF');
  const dom = await addProduct(db, u.accountId, 'domain', { customer_name: 'extend-me.ch', expiresInDays: 40 });
  const lapsed = await addProduct(db, u.accountId, 'web_hosting', { customer_name: 'Lapsed', expiresInDays: -10 });
  const untouched = await addProduct(db, u.accountId, 'web_hosting', { customer_name: 'Untouched', expiresInDays: 15 });
  const before = await productRow(db, dom.id);
  const untouchedBefore = await productRow(db, untouched.id);
  const inv = (
    await renew(u, [
      { product_id: dom.id, period_months: 24 },
      { product_id: lapsed.id, period_months: 1 },
    ])
  ).json().data;
  await fundPrepaid(db, u.accountId, inv.total);

  const start = Math.floor(Date.now() / 1000);
  const paid = await call(app, u.token, 'POST', paymentsUrl(u.accountId), { invoice_ids: [inv.id], method: 'prepaid' });
  const end = Math.floor(Date.now() / 1000);
  t.equal(paid.statusCode, 201, paid.body);
  t.equal(paid.json().data.status, 'succeeded');
  t.equal((await invoiceRow(db, inv.id)).status, 'paid');

  t.equal(
    (await productRow(db, dom.id)).expired_at,
    addMonths(before.expired_at!, 24),
    'expiry moved by 24 calendar months',
  );
  const fromNow = (await productRow(db, lapsed.id)).expired_at!;
  t.ok(fromNow >= addMonths(start, 1) && fromNow <= addMonths(end, 1), 'an expired product renews from now');
  t.equal(
    (await productRow(db, untouched.id)).expired_at,
    untouchedBefore.expired_at,
    'a product not renewed keeps its expiry',
  );
  t.same((await due(u)).json().data.invoices, [], 'nothing left to pay');
  t.notOk(
    (await due(u)).json().data.products.some((p: { id: number }) => p.id === dom.id),
    'the renewed domain left the 2-month window',
  );

  const order = await addInvoice(db, u.accountId, 100);
  await db
    .insertInto('invoice_lines')
    .values({
      invoice_id: order,
      description: 'not a renewal',
      service_name: 'web_hosting',
      product_id: untouched.id,
      period_months: 12,
      amount: 100,
    })
    .execute();
  await db.updateTable('invoices').set({ kind: 'order' }).where('id', '=', order).execute();
  await fundPrepaid(db, u.accountId, 100);
  const p2 = await call(app, u.token, 'POST', paymentsUrl(u.accountId), { invoice_ids: [order], method: 'prepaid' });
  t.equal(p2.statusCode, 201, p2.body);
  t.equal(
    (await productRow(db, untouched.id)).expired_at,
    untouchedBefore.expired_at,
    'lines of a non-renewal invoice extend nothing',
  );
});

t.test('who may see what is due and renew: a member with billing access, an admin', async (t) => {
  const owner = await createUser(db);
  const prod = await addProduct(db, owner.accountId, 'web_hosting', { customer_name: 'Shared', expiresInDays: 10 });
  const body = [{ product_id: prod.id, period_months: 12 }];
  const biller = await createMember(db, owner.accountId, 'normal', { has_billing_access: true });
  const admin = await createMember(db, owner.accountId, 'admin');

  // Who may not (no token, no billing scope, a normal member without billing access, a member of
  // another organisation) is the isolation matrix's (test/modules/isolation.test.ts).
  const seen = await call(app, biller.token, 'GET', dueUrl(owner.accountId));
  t.equal(seen.statusCode, 200);
  t.same(
    seen.json().data.products.map((p: { id: number }) => p.id),
    [prod.id],
    "a normal member with billing access sees the org's products (no product rights needed)",
  );
  const byAdmin = await call(app, admin.token, 'POST', renewalsUrl(owner.accountId), { items: body });
  t.equal(byAdmin.statusCode, 201, 'an admin renews');
  const next = await addProduct(db, owner.accountId, 'web_hosting', { customer_name: 'Shared too', expiresInDays: 10 });
  const byBiller = await call(app, biller.token, 'POST', renewalsUrl(owner.accountId), {
    items: [{ product_id: next.id, period_months: 12 }],
  });
  t.equal(byBiller.statusCode, 201, 'a member with billing access renews');
  const invoices = await db.selectFrom('invoices').select('id').where('account_id', '=', owner.accountId).execute();
  t.equal(invoices.length, 2, 'one invoice for each renewal');
});

t.test(
  'a renewal paid by IBAN transfer extends once the transfer is recorded; month ends roll to the last day',
  async (t) => {
    const u = await createUser(db);
    const host = await addProduct(db, u.accountId, 'web_hosting', { customer_name: 'Month end' });
    const jan31 = Date.UTC(2099, 0, 31, 12, 0, 0) / 1000;
    await db.updateTable('products').set({ expired_at: jan31 }).where('id', '=', host.id).execute();
    const inv = (await renew(u, [{ product_id: host.id, period_months: 1 }])).json().data;
    const iban = await call(app, u.token, 'POST', paymentsUrl(u.accountId), { invoice_ids: [inv.id], method: 'iban' });
    t.equal(iban.statusCode, 201, iban.body);
    t.equal((await productRow(db, host.id)).expired_at, jan31, 'a pending transfer extends nothing');
    const rec = await call(app, u.token, 'POST', transferUrl(u.accountId, iban.json().data.id));
    t.equal(rec.statusCode, 200, rec.body);
    t.equal(
      (await productRow(db, host.id)).expired_at,
      Date.UTC(2099, 1, 28, 12, 0, 0) / 1000,
      '31 January + 1 month = 28 February',
    );
  },
);
