import t from 'tap';
import type { Page } from 'playwright-core';
import { CARDS, cardBody } from '../factories/billing.js';
import { createUser, type TestUser } from '../factories/users.js';
import { apiAs, freshPage, listeningMirror, screenshot, signIn, withBrowser, type Mirror } from './manager-browser.js';

// The Manager's accounting pages in Chromium, walking the help articles' procedures: pay a
// selection of due invoices from the prepaid account, a declined card that loses nothing then
// paid another way, a bank transfer's pro forma, a pending order paid, an invoice's PDF, a
// payment method added and removed, the prepaid account credited (and a credit below 0.10
// refused next to its field); each step checked through the API.

t.setTimeout(180_000);

interface Invoice {
  id: number;
  number: string;
  status: string;
  total: number;
}
interface Order {
  id: number;
  status: string;
  invoice_id: number;
  total: number;
}

/** A user with an organisation of their own, and the API as them. */
async function owner(mirror: Mirror) {
  const user = await createUser(mirror.app.db);
  const api = apiAs(mirror, user.token);
  const account = `/1/accounts/${user.accountId}`;
  const order = async (customer_name: string) => {
    const items = [{ service_name: 'domain', customer_name, period_months: 12 }];
    const res = await api<Order>('POST', `${account}/orders`, { items });
    const invoice = await api<Invoice>('GET', `${account}/invoices/${res.data.invoice_id}`);
    return { order: res.data, invoice: invoice.data };
  };
  const saveCard = async (number: string) =>
    (await api<{ id: number }>('POST', `${account}/payment_methods`, cardBody(number))).data.id;
  return { user, api, account, order, saveCard, pages: `/manager/accounts/${user.accountId}/accounting` };
}

const invoiceStatus = async (o: Awaited<ReturnType<typeof owner>>, id: number) =>
  (await o.api<Invoice>('GET', `${o.account}/invoices/${id}`)).data.status;

async function openToPaySelection(page: Page, numbers: string[]) {
  await page.getByLabel('Show', { exact: true }).selectOption({ label: 'Show all' });
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/window=all/);
  for (const n of numbers) await page.getByLabel(`Select ${n}`).check();
  await page.getByRole('button', { name: 'Pay my selection' }).click();
  await page.getByRole('heading', { name: 'Payment', level: 1 }).waitFor();
}

await withBrowser(t, async (browser) => {
  const mirror = await listeningMirror(t);

  t.test('to pay: the next 2 months, show all, select two invoices, pay from the prepaid account', async (t) => {
    const o = await owner(mirror);
    const card = await o.saveCard(CARDS.visa);
    await o.api('POST', `${o.account}/prepaid/credit`, { amount: 100_000, method: 'card', payment_method_id: card });
    const a = await o.order('first-shop.ch');
    const b = await o.order('second-shop.ch');
    const c = await o.order('third-shop.ch');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, o.user, `${o.pages}/to-pay`);
    t.equal(await page.getByLabel('Show', { exact: true }).inputValue(), '2m', 'the next 2 months by default');
    t.equal(await page.getByRole('link', { name: 'To pay' }).getAttribute('aria-current'), 'page', 'the To pay tab');
    await screenshot(page, 'accounting-to-pay');
    await openToPaySelection(page, [a.invoice.number, b.invoice.number]);
    const selection = page.getByRole('region', { name: 'Your selection' });
    t.match(await selection.textContent(), new RegExp(`${a.invoice.number}.*${b.invoice.number}`), 'the two invoices');
    await page.getByLabel(/^Prepaid account \(balance CHF\s1,000\.00\)$/).check();
    await screenshot(page, 'accounting-pay');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByRole('status').waitFor();
    t.match(await page.getByRole('status').textContent(), /Payment of CHF\s[\d.,]+ succeeded\./, 'paid');
    await screenshot(page, 'accounting-payment');
    t.equal(await invoiceStatus(o, a.invoice.id), 'paid', 'the first invoice is paid');
    t.equal(await invoiceStatus(o, b.invoice.id), 'paid', 'the second too');
    t.equal(await invoiceStatus(o, c.invoice.id), 'unpaid', 'the one not selected is not');
    const prepaid = await o.api<{ balance: number }>('GET', `${o.account}/prepaid`);
    t.equal(prepaid.data.balance, 100_000 - a.invoice.total - b.invoice.total, 'the prepaid account paid them');
    noConsoleErrors();
  });

  t.test('a declined card loses nothing; the same selection is then paid by another card', async (t) => {
    const o = await owner(mirror);
    await o.saveCard(CARDS.declined);
    await o.saveCard(CARDS.visa);
    const a = await o.order('declined-shop.ch');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, o.user, `${o.pages}/to-pay`);
    await openToPaySelection(page, [a.invoice.number]);
    await page.getByLabel('Visa •••• 0002').check();
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByRole('alert').waitFor();
    t.match(await page.getByRole('alert').textContent(), /declined/i, 'the page says why');
    t.match(
      await page.getByText(/^Reason given by the payment processor/).textContent(),
      /card_declined/,
      'and the reason',
    );
    t.match(
      await page.getByRole('region', { name: 'Your selection' }).textContent(),
      a.invoice.number,
      'the selection is kept',
    );
    t.ok(await page.getByLabel('Visa •••• 0002').isChecked(), 'and the method chosen');
    await screenshot(page, 'accounting-pay-declined');
    t.equal(await invoiceStatus(o, a.invoice.id), 'unpaid', 'the invoice is still to pay');
    const ledger = await o.api<unknown[]>('GET', `${o.account}/prepaid/transactions`);
    t.same(ledger.data, [], 'no money moved');
    await page.getByLabel('Visa •••• 4242').check();
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByRole('status').waitFor();
    t.match(await page.getByRole('status').textContent(), /succeeded/, 'paid by the other card');
    t.equal(await invoiceStatus(o, a.invoice.id), 'paid', 'the API sees it paid');
    const payments = await o.api<{ status: string }[]>('GET', `${o.account}/payments`);
    t.same(payments.data.map((p) => p.status).sort(), ['failed', 'succeeded'], 'one failed payment, one that paid');
    noConsoleErrors();
  });

  t.test('a bank transfer gives the pro forma first; the invoice is paid when the transfer arrives', async (t) => {
    const o = await owner(mirror);
    const a = await o.order('transfer-shop.ch');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, o.user, `${o.pages}/to-pay`);
    await openToPaySelection(page, [a.invoice.number]);
    await page.getByLabel(/^Bank transfer \(IBAN\)/).check();
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByRole('status').waitFor();
    const said = (await page.getByRole('status').textContent()) ?? '';
    t.match(
      said,
      /^Pro forma invoice: transfer CHF\s[\d.,]+ quoting the reference RF\w+\./,
      'the pro forma and its reference',
    );
    await screenshot(page, 'accounting-proforma');
    t.equal(await invoiceStatus(o, a.invoice.id), 'unpaid', 'unpaid until the transfer arrives');
    const payments = await o.api<{ id: number; status: string; method: string; processor_reference: string }[]>(
      'GET',
      `${o.account}/payments`,
    );
    t.match(payments.data, [{ status: 'pending', method: 'iban' }], 'a pending transfer');
    t.ok(said.includes(payments.data[0]?.processor_reference ?? '?'), 'the reference the API gave');
    await o.api('POST', `${o.account}/payments/${payments.data[0]?.id}/record_transfer`);
    t.equal(await invoiceStatus(o, a.invoice.id), 'paid', 'paid once the transfer is recorded');
    await page.reload();
    t.match(await page.getByRole('status').textContent(), /succeeded/, 'the payment page says so');
    noConsoleErrors();
  });

  t.test('orders: open a pending order and pay it by card', async (t) => {
    const o = await owner(mirror);
    await o.saveCard(CARDS.visa);
    const a = await o.order('ordered-shop.ch');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, o.user, `${o.pages}/orders`);
    t.match(
      await page.getByRole('region', { name: 'Your orders' }).textContent(),
      /ordered-shop\.ch.*Pending/,
      'listed, pending',
    );
    await screenshot(page, 'accounting-orders');
    await page.getByRole('link', { name: `Order ${a.order.id}` }).click();
    await page.getByRole('heading', { name: `Order ${a.order.id}`, level: 1 }).waitFor();
    await screenshot(page, 'accounting-order');
    await page.getByRole('link', { name: 'Pay the order' }).click();
    await page.getByRole('heading', { name: `Order ${a.order.id}`, level: 2 }).waitFor();
    await page.getByLabel('Visa •••• 4242').check();
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByRole('status').waitFor();
    t.match(await page.getByRole('status').textContent(), /succeeded/, 'paid');
    const order = await o.api<Order>('GET', `${o.account}/orders/${a.order.id}`);
    t.equal(order.data.status, 'paid', 'the API sees the order paid');
    noConsoleErrors();
  });

  t.test('invoices: the list, one invoice, its PDF', async (t) => {
    const o = await owner(mirror);
    const a = await o.order('pdf-shop.ch');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, o.user, `${o.pages}/invoices`);
    await screenshot(page, 'accounting-invoices');
    await page.getByRole('link', { name: a.invoice.number }).click();
    await page.getByRole('heading', { name: `Invoice ${a.invoice.number}` }).waitFor();
    t.match(await page.locator('main').textContent(), /domain pdf-shop\.ch/, 'its lines');
    await screenshot(page, 'accounting-invoice');
    const href = await page.getByRole('link', { name: `Download ${a.invoice.number} (PDF)` }).getAttribute('href');
    const pdf = await page.context().request.get(`${mirror.url}${href}`);
    t.equal(pdf.status(), 200, 'the PDF is sent');
    t.equal(pdf.headers()['content-type'], 'application/pdf', 'as a PDF');
    t.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-', 'a PDF document');
    noConsoleErrors();
  });

  t.test('payment methods: a wrong number refused next to its field, then a card added and removed', async (t) => {
    const o = await owner(mirror);
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, o.user, `${o.pages}/payment-methods`);
    await page.getByLabel('Card number').fill('1234');
    await page.getByLabel('Expiry month').fill('12');
    await page.getByLabel('Expiry year').fill(String(new Date().getUTCFullYear() + 2));
    await page.getByLabel('Security code (CVC)').fill('123');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('#f-number-error').waitFor();
    t.ok((await page.locator('#f-number-error').textContent())?.length, "the API's message next to the number");
    t.equal(await page.getByLabel('Card number').inputValue(), '1234', 'what was typed is kept');
    await screenshot(page, 'accounting-payment-method-refused');
    await page.getByLabel('Card number').fill(CARDS.visa);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Remove Visa •••• 4242' }).waitFor();
    const added = await o.api<{ label: string }[]>('GET', `${o.account}/payment_methods`);
    t.same(
      added.data.map((m) => m.label),
      ['Visa •••• 4242'],
      'the API has the card',
    );
    await screenshot(page, 'accounting-payment-methods');
    await page.getByRole('button', { name: 'Remove Visa •••• 4242' }).click();
    await page.getByText('No saved payment method.').waitFor();
    const removed = await o.api<unknown[]>('GET', `${o.account}/payment_methods`);
    t.same(removed.data, [], 'the API has none left');
    noConsoleErrors();
  });

  t.test('prepaid: a credit below 0.10 refused next to the amount, then 25.50 credited', async (t) => {
    const o = await owner(mirror);
    await o.saveCard(CARDS.visa);
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, o.user, `${o.pages}/prepaid`);
    await page.getByLabel('Amount (CHF)').fill('0.05');
    await page.getByLabel('Pay with').selectOption({ label: 'Visa •••• 4242' });
    await page.getByRole('button', { name: 'Credit', exact: true }).click();
    await page.locator('#f-amount-error').waitFor();
    t.match(
      await page.locator('#f-amount-error').textContent(),
      /from 0\.10 to 9999/,
      "the API's limits next to the amount",
    );
    t.equal(await page.getByLabel('Amount (CHF)').inputValue(), '0.05', 'the amount typed is kept');
    await screenshot(page, 'accounting-prepaid-refused');
    t.equal((await o.api<{ balance: number }>('GET', `${o.account}/prepaid`)).data.balance, 0, 'nothing credited');
    await page.getByLabel('Amount (CHF)').fill('25.50');
    await page.getByRole('button', { name: 'Credit', exact: true }).click();
    await page.getByRole('status').waitFor();
    t.match(
      await page.getByRole('status').textContent(),
      /^CHF\s25\.50 credited to the prepaid account\.$/,
      'credited',
    );
    t.match(await page.getByRole('region', { name: 'Balance' }).textContent(), /CHF\s25\.50/, 'the balance');
    t.match(await page.getByRole('region', { name: 'Transactions' }).textContent(), /Credit/, 'the transaction');
    await screenshot(page, 'accounting-prepaid');
    t.equal((await o.api<{ balance: number }>('GET', `${o.account}/prepaid`)).data.balance, 2550, 'the API has it');
    noConsoleErrors();
  });

  t.test('a payment form posted twice pays once (its idempotency key)', async (t) => {
    const o = await owner(mirror);
    await o.saveCard(CARDS.visa);
    const a = await o.order('twice-shop.ch');
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, o.user, `${o.pages}/pay?invoice=${a.invoice.id}`);
    const form = page.locator('form[action$="/accounting/pay"]');
    const value = (name: string) => form.locator(`input[name=${name}]`).inputValue();
    const fields = {
      csrf: await value('csrf'),
      key: await value('key'),
      invoice_id: await value('invoice_id'),
      method: (await page.getByLabel('Visa •••• 4242').getAttribute('value')) ?? '',
    };
    const post = () => page.context().request.post(`${mirror.url}${o.pages}/pay`, { form: fields, maxRedirects: 0 });
    const first = await post();
    const second = await post();
    t.equal(first.status(), 303, 'the first post pays and redirects');
    t.equal(second.headers().location, first.headers().location, 'the second lands on the same payment');
    const payments = await o.api<unknown[]>('GET', `${o.account}/payments`);
    t.equal(payments.data.length, 1, 'one payment');
    t.equal(await invoiceStatus(o, a.invoice.id), 'paid', 'the invoice paid once');
    noConsoleErrors();
  });

  t.test('in French: "À payer", "Tout afficher", "Payer ma sélection"', async (t) => {
    const o = await owner(mirror);
    await o.api('PATCH', '/2/profile', { language_id: 1 });
    const a = await o.order('chez-moi.ch');
    const { page, noConsoleErrors } = await freshPage(t, browser, 'fr-CH');
    await signIn(page, mirror, o.user, `${o.pages}/to-pay`);
    t.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'À payer', 'the title');
    await page.getByLabel('Afficher', { exact: true }).selectOption({ label: 'Tout afficher' });
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/window=all/);
    await page.getByLabel(`Sélectionner ${a.invoice.number}`).check();
    await page.getByRole('button', { name: 'Payer ma sélection' }).click();
    await page.getByRole('heading', { name: 'Paiement', level: 1 }).waitFor();
    t.ok(await page.getByLabel(/^Virement bancaire \(IBAN\)/).isVisible(), 'the bank transfer, in French');
    await screenshot(page, 'accounting-pay-fr');
    noConsoleErrors();
  });

  t.test("another organisation's pages are not found", async (t) => {
    const o = await owner(mirror);
    const stranger: TestUser = await createUser(mirror.app.db);
    const { page, noConsoleErrors } = await freshPage(t, browser);
    await signIn(page, mirror, stranger, '/manager');
    await page.goto(`${mirror.url}${o.pages}/invoices`);
    t.equal(
      await page.getByRole('alert').textContent(),
      'This page does not exist, or you may not see it.',
      'not found',
    );
    noConsoleErrors();
  });
});
