import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { invoicesUrl, invoiceUrl, placeOrder, reshapeInvoice, setCurrency } from '../../factories/invoices.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const DAY = 86_400;

t.test('listing invoices: status and due-date filters, sorting, pagination', async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const ids: number[] = [];
  const months = [12, 24, 36, 48, 60];
  for (const m of months)
    ids.push(
      (
        await placeOrder(app, owner.token, org, [
          { service_name: 'domain', customer_name: `inv${m}.ch`, period_months: m },
        ])
      ).invoice_id,
    );
  const base = 1_900_000_000;
  // Due dates 10, 20, 30, 40, 50 days after base; issued in reverse order.
  for (const [i, id] of ids.entries())
    await reshapeInvoice(app.db, id, { due_at: base + (i + 1) * 10 * DAY, issued_at: base - i * DAY });
  await reshapeInvoice(app.db, ids[0], { status: 'paid', paid_at: base });
  await reshapeInvoice(app.db, ids[1], { status: 'cancelled' });
  await reshapeInvoice(app.db, ids[2], { status: 'proforma' });
  const idsOf = async (query: string) => {
    const res = await call(app, owner.token, 'GET', `${invoicesUrl(org)}${query}`);
    t.equal(res.statusCode, 200, `${query}: ${res.statusCode}`);
    return res.json().data.map((i: { id: number }) => i.id);
  };

  t.same(await idsOf(''), ids, 'newest issued first by default');
  t.same(await idsOf('?status=unpaid&order_by=due_at'), [ids[3], ids[4]]);
  t.same(await idsOf('?filter[status]=paid'), [ids[0]]);
  t.same(await idsOf('?status=cancelled'), [ids[1]]);
  t.same(await idsOf('?status=proforma'), [ids[2]]);
  t.same(await idsOf(`?due_from=${base + 20 * DAY}&due_to=${base + 40 * DAY}&order_by=due_at`), [
    ids[1],
    ids[2],
    ids[3],
  ]);
  t.same(await idsOf(`?filter[due_from]=${base + 41 * DAY}`), [ids[4]]);
  t.same(await idsOf(`?due_to=${base + 10 * DAY}`), [ids[0]]);
  t.same(await idsOf('?order_by=total&order=desc'), [...ids].reverse());
  t.same(await idsOf('?order_by=issued_at&order=asc'), [...ids].reverse());
  t.same(await idsOf('?order_by=due_at&per_page=2&page=2'), [ids[2], ids[3]]);
  const page = await call(app, owner.token, 'GET', `${invoicesUrl(org)}?per_page=2&page=3`);
  t.match(page.json(), { total: 5, page: 3, pages: 3, items_per_page: 2 });
  const count = await call(app, owner.token, 'GET', `${invoicesUrl(org)}?status=unpaid&return=total`);
  t.same(count.json(), { result: 'success', data: 2 });
  t.equal((await call(app, owner.token, 'GET', `${invoicesUrl(org)}?order_by=number`)).statusCode, 422);
  t.equal((await call(app, owner.token, 'GET', `${invoicesUrl(org)}?status=late`)).statusCode, 422);

  const other = await createUser(app.db);
  await placeOrder(app, other.token, other.accountId, [
    { service_name: 'email_hosting', customer_name: 'x', period_months: 12 },
  ]);
  t.same(
    (await call(app, other.token, 'GET', invoicesUrl(other.accountId))).json().total,
    1,
    'each organisation sees its own',
  );
});

t.test('amount paid sums succeeded payments only', async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  await setCurrency(app.db, org, 'EUR');
  const o = await placeOrder(app, owner.token, org, [{ service_name: 'drive', customer_name: 'd', period_months: 12 }]);
  t.equal(o.total, 5600 + 1120);
  for (const [status, amount] of [
    ['succeeded', 1000],
    ['succeeded', 500],
    ['failed', 3000],
    ['pending', 200],
  ] as const) {
    const p = await app.db
      .insertInto('payments')
      .values({ account_id: org, status, method: 'card', currency: 'EUR', amount })
      .returning('id')
      .executeTakeFirstOrThrow();
    await app.db
      .insertInto('payment_invoices')
      .values({ payment_id: p.id, invoice_id: o.invoice_id, amount })
      .execute();
  }
  const inv = (await call(app, owner.token, 'GET', invoiceUrl(org, o.invoice_id))).json().data;
  t.match(inv, { total: 6720, amount_paid: 1500, amount_due: 5220 });
});

/** The text drawn in a PDF's (uncompressed) content streams: pdfkit writes it as hex strings. */
function pdfText(body: Buffer): string {
  const s = body.toString('latin1');
  return [...s.matchAll(/\[(.*?)\] TJ/g)]
    .map((m) => [...m[1].matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1], 'hex').toString('latin1')).join(''))
    .join('\n');
}

t.test(
  'the PDF: a real document with the organisation, number, dates, lines, totals, VAT and payment state',
  async (t) => {
    const owner = await createUser(app.db);
    const org = owner.accountId;
    await setCurrency(app.db, org, 'CHF');
    await app.db.updateTable('accounts').set({ name: 'Helvetic Widgets SA' }).where('id', '=', org).execute();
    await app.db
      .insertInto('account_addresses')
      .values({
        account_id: org,
        street: 'Rue du Lac 12',
        zip: '1207',
        city: 'Geneva',
        country_id: 1,
        for_invoice: true,
      })
      .execute();
    const o = await placeOrder(app, owner.token, org, [
      { service_name: 'domain', customer_name: 'widgets.ch', period_months: 36 },
      { service_name: 'support_premium', customer_name: 'Premium', period_months: 12 },
    ]);
    const inv = (await call(app, owner.token, 'GET', invoiceUrl(org, o.invoice_id))).json().data;

    const res = await call(app, owner.token, 'GET', `${invoiceUrl(org, o.invoice_id)}/pdf`);
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'application/pdf');
    t.equal(res.headers['content-disposition'], `attachment; filename=${inv.number}.pdf`);
    const body = res.rawPayload;
    t.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
    t.match(body.subarray(-8).toString('latin1'), /%%EOF\s*$/);
    t.ok(body.toString('latin1').includes(`Invoice ${inv.number}`), 'number in the Title');
    const text = pdfText(body);
    for (const expected of [
      `Invoice ${inv.number}`,
      'Helvetic Widgets SA',
      'Rue du Lac 12',
      '1207 Geneva',
      'domain widgets.ch, 3 years',
      'CHF 45.00',
      'CHF 490.00',
      'Subtotal',
      'CHF 535.00',
      'VAT 8.1 %',
      'CHF 43.34',
      'Total',
      'CHF 578.34',
      'UNPAID - amount due CHF 578.34',
      `Issued: ${new Date(inv.issued_at * 1000).toISOString().slice(0, 10)}`,
      `Due: ${new Date(inv.due_at * 1000).toISOString().slice(0, 10)}`,
    ])
      t.ok(text.replace(/\s+/g, ' ').includes(expected), `shows ${expected}`);
    t.notOk(text.includes('PAID on'));

    await reshapeInvoice(app.db, o.invoice_id, { status: 'paid', paid_at: 1_900_000_000 });
    const paid = pdfText((await call(app, owner.token, 'GET', `${invoiceUrl(org, o.invoice_id)}/pdf`)).rawPayload);
    t.ok(paid.includes('PAID on 2030-03-17'), paid);
    t.notOk(paid.includes('UNPAID'));

    const other = await createUser(app.db);
    t.equal((await call(app, other.token, 'GET', `${invoiceUrl(other.accountId, o.invoice_id)}/pdf`)).statusCode, 404);
  },
);
