import t from 'tap';
import { bearer, buildTestApp } from '../helper.js';
import { createUser } from '../factories/users.js';

// The walk-through of docs/billing.md: order a .ch domain for three years, pay half with the
// prepaid account and half by card, download the invoice.

t.test('the billing walk-through of docs/billing.md', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const call = (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, payload, headers: { ...bearer(owner.token), ...headers } });

  const card = await call('POST', `/1/accounts/${org}/payment_methods`, {
    kind: 'card',
    number: '4242424242424242',
    exp_month: 12,
    exp_year: 2040,
    cvc: '123',
  });
  t.equal(card.statusCode, 201, 'a card is saved');

  const order = await call('POST', `/1/accounts/${org}/orders`, {
    items: [{ service_name: 'domain', customer_name: 'my-shop.ch', period_months: 36 }],
  });
  t.equal(order.statusCode, 201, 'the order');
  const { invoice_id: invoice, total } = order.json().data as { invoice_id: number; total: number };

  const credit = await call('POST', `/1/accounts/${org}/prepaid/credit`, {
    amount: Math.floor(total / 2),
    method: 'card',
  });
  t.equal(credit.statusCode, 201, 'half the total is put on the prepaid account');

  const pay = await call(
    'POST',
    `/1/accounts/${org}/payments`,
    { invoice_ids: [invoice], method: 'card', use_prepaid: true },
    { 'idempotency-key': `pay-${invoice}` },
  );
  t.equal(pay.statusCode, 201, 'the invoice is paid');
  t.match(
    pay.json().data,
    { status: 'succeeded', amount: total, prepaid_amount: Math.floor(total / 2) },
    'half from the prepaid account, the rest by card',
  );
  const prepaid = await call('GET', `/1/accounts/${org}/prepaid`);
  t.equal(prepaid.json().data.balance, 0, 'the prepaid account is spent');

  const pdf = await call('GET', `/1/accounts/${org}/invoices/${invoice}/pdf`);
  t.equal(pdf.statusCode, 200);
  t.match(pdf.headers['content-type'], /application\/pdf/);
  t.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-', 'a real PDF');

  const products = await call('GET', '/1/products?service_name=domain');
  const domain = (products.json().data as { customer_name: string; expired_at: number }[]).find(
    (p) => p.customer_name === 'my-shop.ch',
  );
  t.ok(domain, 'the domain exists');
  const years = (domain!.expired_at - Date.now() / 1000) / (365.25 * 86_400);
  t.ok(years > 2.95 && years < 3.05, `it runs for three years (${years.toFixed(2)})`);
});
