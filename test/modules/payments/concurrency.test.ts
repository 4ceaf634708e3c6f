import t from 'tap';
import { buildTestApp, testDatabase, bearer, needsPostgres } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { CARDS, saveCard } from '../../factories/billing.js';
import {
  addInvoice,
  balance,
  fundPrepaid,
  invoiceRow,
  ledgerRows,
  paymentRows,
  paymentsUrl,
} from '../../factories/payments.js';

// Concurrent payments over real HTTP: the account lock and the invoice locks serialise them.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const address = await app.listen({ host: '127.0.0.1', port: 0 });

const post = (token: string, accountId: number, body: unknown) =>
  fetch(`${address}${paymentsUrl(accountId)}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as {
      data?: { id: number; prepaid_amount: number };
      error?: { code: string; context?: Record<string, unknown> };
    },
  }));

t.test(
  '50 concurrent card payments of one invoice: exactly one pays it',
  needsPostgres("the invoice's row lock is what is tested"),
  async (t) => {
    const u = await createUser(app.db);
    await saveCard(app, u.token, u.accountId, CARDS.visa);
    const inv = await addInvoice(app.db, u.accountId, 4200);
    await fundPrepaid(app.db, u.accountId, 1000);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        post(u.token, u.accountId, { invoice_ids: [inv], method: 'card', use_prepaid: true }),
      ),
    );
    const statuses = results.map((r) => r.status);
    t.equal(statuses.filter((s) => s === 201).length, 1, 'one 201');
    t.equal(statuses.filter((s) => s === 409).length, 49, 'the others 409');
    for (const r of results.filter((x) => x.status === 409)) {
      t.equal(r.body.error?.code, 'conflict_error');
      t.same(r.body.error?.context, { invoice_ids: [inv] });
    }
    const rows = await paymentRows(app.db, u.accountId);
    t.equal(rows.length, 1, 'one payment');
    t.match(rows[0], { status: 'succeeded', amount: 4200, prepaid_amount: 1000 });
    const links = await app.db.selectFrom('payment_invoices').selectAll().where('invoice_id', '=', inv).execute();
    t.equal(links.length, 1, 'the invoice is paid once');
    t.equal((await invoiceRow(app.db, inv)).status, 'paid');
    const ledger = await ledgerRows(app.db, u.accountId);
    t.equal(ledger.length, 2, 'one credit, one debit');
    t.equal(await balance(app.db, u.accountId), 0);
  },
);

t.test(
  '50 concurrent prepaid payments of one invoice: exactly one pays it, debited once',
  needsPostgres("the account's and the invoice's row locks are what is tested"),
  async (t) => {
    const u = await createUser(app.db);
    const inv = await addInvoice(app.db, u.accountId, 4200);
    await fundPrepaid(app.db, u.accountId, 100_000);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => post(u.token, u.accountId, { invoice_ids: [inv], method: 'prepaid' })),
    );
    const statuses = results.map((r) => r.status);
    t.equal(statuses.filter((s) => s === 201).length, 1, 'one 201');
    t.equal(statuses.filter((s) => s === 409).length, 49, 'the others 409');
    for (const r of results.filter((x) => x.status === 409)) t.same(r.body.error?.context, { invoice_ids: [inv] });
    const rows = await paymentRows(app.db, u.accountId);
    t.equal(rows.length, 1, 'one payment');
    t.match(rows[0], { status: 'succeeded', method: 'prepaid', amount: 4200, prepaid_amount: 4200 });
    t.equal((await invoiceRow(app.db, inv)).status, 'paid');
    t.equal((await ledgerRows(app.db, u.accountId)).filter((r) => r.kind === 'debit').length, 1, 'one debit');
    t.equal(await balance(app.db, u.accountId), 100_000 - 4200);
  },
);

t.test(
  'concurrent prepaid payments of different invoices never overdraw the prepaid account',
  needsPostgres("the account's row lock is what is tested"),
  async (t) => {
    const u = await createUser(app.db);
    await fundPrepaid(app.db, u.accountId, 10_000);
    const invoices = [];
    for (let i = 0; i < 10; i++) invoices.push(await addInvoice(app.db, u.accountId, 6000));
    const results = await Promise.all(
      invoices.map((id) => post(u.token, u.accountId, { invoice_ids: [id], method: 'prepaid' })),
    );
    const won = results.filter((r) => r.status === 201);
    t.equal(won.length, 1, 'each costs more than half the balance: exactly one is paid');
    const lost = results.filter((r) => r.status === 422);
    t.equal(lost.length, 9);
    for (const r of lost) t.equal(r.body.error?.context?.shortfall, 2000, 'short by 6000 - 4000');
    t.equal(await balance(app.db, u.accountId), 4000);
    const paid = [];
    for (const id of invoices) if ((await invoiceRow(app.db, id)).status === 'paid') paid.push(id);
    t.equal(paid.length, 1);
    t.equal((await paymentRows(app.db, u.accountId)).length, 1);
  },
);

t.test(
  'concurrent prepaid + card payments take exactly the balance, never more',
  needsPostgres("the account's row lock is what is tested"),
  async (t) => {
    const u = await createUser(app.db);
    await saveCard(app, u.token, u.accountId, CARDS.visa);
    await fundPrepaid(app.db, u.accountId, 10_000);
    const invoices = [];
    for (let i = 0; i < 10; i++) invoices.push(await addInvoice(app.db, u.accountId, 6000));
    const results = await Promise.all(
      invoices.map((id) => post(u.token, u.accountId, { invoice_ids: [id], method: 'card', use_prepaid: true })),
    );
    t.same(
      results.map((r) => r.status),
      Array(10).fill(201),
    );
    const prepaidParts = results.map((r) => r.body.data!.prepaid_amount).sort((a, b) => b - a);
    t.same(prepaidParts, [6000, 4000, 0, 0, 0, 0, 0, 0, 0, 0]);
    t.equal(await balance(app.db, u.accountId), 0);
    const debits = (await ledgerRows(app.db, u.accountId))
      .filter((r) => r.kind === 'debit')
      .map((r) => Number(r.amount))
      .sort((a, b) => a - b);
    t.same(debits, [-6000, -4000]);
    for (const id of invoices) t.equal((await invoiceRow(app.db, id)).status, 'paid');
  },
);
