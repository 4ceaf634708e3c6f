import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createMember } from '../../factories/organisations.js';
import { createUser } from '../../factories/users.js';
import { CARDS, saveCard } from '../../factories/billing.js';
import { addInvoice, paymentRows, paymentsUrl, paymentUrl, transferUrl } from '../../factories/payments.js';

// Who may call the payments routes: owners, admins and normal members with billing access; and
// another organisation's invoice or order named in the body is not found. Who may not (no token,
// no billing scope, a normal member without billing access, a member of another organisation,
// another organisation's payment in the path) is the isolation matrix's
// (test/modules/isolation.test.ts), for every organisation route.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const org = owner.accountId;
const admin = await createMember(app.db, org, 'admin');
const biller = await createMember(app.db, org, 'normal', { has_billing_access: true });
const outsider = await createUser(app.db);
await saveCard(app, owner.token, org, CARDS.visa);

type M = 'GET' | 'POST';
interface Route {
  op: string;
  method: M;
  url: () => Promise<string>;
  body?: () => Promise<unknown>;
  success: number;
}
const ibanPayment = async (accountId: number, token: string) =>
  (
    await call(app, token, 'POST', paymentsUrl(accountId), {
      invoice_ids: [await addInvoice(app.db, accountId, 500)],
      method: 'iban',
    })
  ).json().data.id as number;
const ROUTES: Route[] = [
  {
    op: 'createPayment',
    method: 'POST',
    url: async () => paymentsUrl(org),
    body: async () => ({ invoice_ids: [await addInvoice(app.db, org, 700)], method: 'card' }),
    success: 201,
  },
  { op: 'listPayments', method: 'GET', url: async () => paymentsUrl(org), success: 200 },
  {
    op: 'getPayment',
    method: 'GET',
    url: async () => paymentUrl(org, await ibanPayment(org, owner.token)),
    success: 200,
  },
  {
    op: 'recordPaymentTransfer',
    method: 'POST',
    url: async () => transferUrl(org, await ibanPayment(org, owner.token)),
    success: 200,
  },
];

t.test('every payments route is in the table', async (t) => {
  const ops = new Set<string>();
  const spec = app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  for (const [path, methods] of Object.entries(spec.paths)) {
    if (!/^\/1\/accounts\/\{account\}\/payments/.test(path)) continue;
    for (const m of Object.values(methods)) if (m.operationId) ops.add(m.operationId);
  }
  t.same([...ops].sort(), ROUTES.map((r) => r.op).sort());
});

for (const r of ROUTES) {
  t.test(r.op, async (t) => {
    const send = async (token: string) =>
      call(app, token, r.method, await r.url(), r.body ? await r.body() : undefined);
    for (const [who, m] of [
      ['owner', owner],
      ['admin', admin],
      ['normal with billing access', biller],
    ] as const) {
      const res = await send(m.token);
      t.equal(res.statusCode, r.success, `${who}: ${res.body}`);
    }
  });
}

t.test("another organisation's invoice or order in the body: 404, nothing paid", async (t) => {
  const before = (await paymentRows(app.db, org)).length;
  const foreignInvoice = await addInvoice(app.db, outsider.accountId, 900);
  const ownInvoice = await addInvoice(app.db, org, 900);
  const res = await call(app, owner.token, 'POST', paymentsUrl(org), {
    invoice_ids: [ownInvoice, foreignInvoice],
    method: 'card',
  });
  t.equal(res.statusCode, 404);
  t.equal(res.json().error.code, 'object_not_found');
  const foreignOrder = await app.db
    .insertInto('orders')
    .values({ account_id: outsider.accountId, invoice_id: foreignInvoice, created_by_id: outsider.id, paid_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  t.equal(
    (await call(app, owner.token, 'POST', paymentsUrl(org), { order_id: foreignOrder.id, method: 'card' })).statusCode,
    404,
    'foreign order',
  );
  t.equal((await paymentRows(app.db, org)).length, before, 'nothing recorded');
});

// Paying reads the caller's membership with the token (RouteAccess.membershipWithToken): it
// must still be the membership as it stands at this request, for every caller.
t.test('paying: the membership read with the token refuses as the organisation stands now', async (t) => {
  const payer = await createMember(app.db, org, 'normal', { has_billing_access: true });
  const pay = async (token: string) =>
    call(app, token, 'POST', paymentsUrl(org), {
      invoice_ids: [await addInvoice(app.db, org, 300)],
      method: 'card',
    });
  t.equal((await pay(payer.token)).statusCode, 201, 'a normal member with billing access pays');
  await app.db
    .updateTable('account_members')
    .set({ has_billing_access: false })
    .where('account_id', '=', org)
    .where('user_id', '=', payer.id)
    .execute();
  const refused = await pay(payer.token);
  t.equal(refused.statusCode, 403, refused.body);
  t.equal(refused.json().error.code, 'access_denied');
  const stranger = await pay(outsider.token);
  t.equal(stranger.statusCode, 404, stranger.body);
  t.equal(stranger.json().error.code, 'object_not_found');
});
