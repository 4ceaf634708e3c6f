import t from 'tap';
import { ADMIN_TOKEN, buildTestApp, call, testDatabase } from '../helper.js';
import { addInvitation, createMember, createOrg } from '../factories/organisations.js';
import { deleteUser, listUsers } from '../factories/members.js';
import { invoicesUrl, ordersUrl } from '../factories/invoices.js';
import { balanceOf, CARDS, creditUrl, prepaidUrl, saveCard } from '../factories/billing.js';

// The totals the database keeps per organisation: the number of members and of invoices (a
// page that is not the last reads them instead of counting) and the prepaid balance (read by
// every payment instead of summing the ledger). They must stay the real figures through
// everything that adds or removes rows: the API, a reset and a snapshot restore. A page
// shorter than its size is the last one and counts itself.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const admin = (method: 'GET' | 'POST', url: string, payload?: object) => call(app, ADMIN_TOKEN, method, url, payload);
const ORDER = { items: [{ service_name: 'web_hosting', customer_name: 'My site', period_months: 1 }] };

async function totalOf(token: string, url: string) {
  const res = await call(app, token, 'GET', url);
  t.equal(res.statusCode, 200, res.body);
  return res.json<{ total: number; pages: number; data: unknown[] }>();
}

t.test('members: the total of a page that is not the last follows adds and removals', async (t) => {
  const org = await createOrg(app.db); // owner, admin, normal
  await createMember(app.db, org.id, 'normal');
  await addInvitation(app.db, org.id);
  const page = (q: string) => listUsers(app, org.owner.token, org.id, q).then((r) => r.json());
  t.match(await page('per_page=2'), { total: 5, pages: 3 });
  t.match(await page('per_page=2&page=3'), { total: 5, data: [{ state_in_account: 'pending' }] });
  t.match(await page('per_page=1&state_in_account=valid'), { total: 4 });
  t.match(await page('per_page=1&state_in_account=pending'), { total: 1 });
  t.match(
    await page('per_page=1&role_type=normal'),
    { total: 3 },
    'a filtered list counts its rows (two members, the invitee)',
  );
  t.equal((await deleteUser(app, org.owner.token, org.id, org.normal.id)).statusCode, 200);
  t.match(await page('per_page=2'), { total: 4, pages: 2 });
  const account = await call(app, org.owner.token, 'GET', `/1/accounts/${org.id}`);
  t.equal(account.json().data.nb_users, 3, 'the account object reads the same count');
});

t.test('invoices: the total follows orders; a filter counts; reset and restore keep it true', async (t) => {
  const org = await createOrg(app.db);
  for (let i = 0; i < 3; i++)
    t.equal((await call(app, org.owner.token, 'POST', ordersUrl(org.id), ORDER)).statusCode, 201);
  t.match(await totalOf(org.owner.token, `${invoicesUrl(org.id)}?per_page=1`), { total: 3, pages: 3 });
  t.match(await totalOf(org.owner.token, `${invoicesUrl(org.id)}?per_page=1&status=paid`), { total: 0 });

  t.equal((await admin('POST', '/_mirror/snapshots', { name: 'counts' })).statusCode, 201);
  t.equal((await call(app, org.owner.token, 'POST', ordersUrl(org.id), ORDER)).statusCode, 201);
  t.match(await totalOf(org.owner.token, `${invoicesUrl(org.id)}?per_page=1`), { total: 4 });
  t.equal((await admin('POST', '/_mirror/snapshots/counts/restore')).statusCode, 200);
  t.match(
    await totalOf(org.owner.token, `${invoicesUrl(org.id)}?per_page=1`),
    { total: 3 },
    'counted once after a restore',
  );
  t.match(await listUsers(app, org.owner.token, org.id, 'per_page=1').then((r) => r.json()), { total: 3 });

  t.equal((await admin('POST', '/_mirror/reset')).statusCode, 200);
  t.equal((await admin('POST', '/_mirror/snapshots/counts/restore')).statusCode, 200);
  t.match(await totalOf(org.owner.token, `${invoicesUrl(org.id)}?per_page=2`), { total: 3, pages: 2 });
});

t.test(
  'prepaid: the balance a payment reads is the sum of the ledger, through credits, payments and a restore',
  async (t) => {
    const org = await createOrg(app.db);
    const owner = org.owner.token;
    const balance = async () => (await call(app, owner, 'GET', prepaidUrl(org.id))).json().data.balance;
    await saveCard(app, owner, org.id, CARDS.visa);
    t.equal((await call(app, owner, 'POST', creditUrl(org.id), { amount: 5000, method: 'card' })).statusCode, 201);
    t.equal((await call(app, owner, 'POST', creditUrl(org.id), { amount: 700, method: 'card' })).statusCode, 201);
    t.equal(await balance(), 5700);
    const order = (await call(app, owner, 'POST', ordersUrl(org.id), ORDER)).json().data;
    const pay = await call(app, owner, 'POST', `/1/accounts/${org.id}/payments`, {
      invoice_ids: [order.invoice_id],
      method: 'prepaid',
    });
    t.equal(pay.statusCode, 201, pay.body);
    const after = await balance();
    t.equal(after, await balanceOf(app.db, org.id), 'the kept balance is the ledger sum');
    t.ok(after < 5700, 'the payment was taken from it');

    t.equal((await admin('POST', '/_mirror/snapshots', { name: 'prepaid' })).statusCode, 201);
    t.equal((await call(app, owner, 'POST', creditUrl(org.id), { amount: 300, method: 'card' })).statusCode, 201);
    t.equal(await balance(), after + 300);
    t.equal((await admin('POST', '/_mirror/snapshots/prepaid/restore')).statusCode, 200);
    t.equal(await balance(), after, 'counted once after a restore');
    t.equal(await balance(), await balanceOf(app.db, org.id));
  },
);
