import t from 'tap';
import { buildTestApp, testDatabase, call } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { createMember } from '../../factories/organisations.js';
import {
  cardBody,
  CARDS,
  creditUrl,
  ledgerUrl,
  methodsUrl,
  methodUrl,
  payments,
  prepaidUrl,
  saveCard,
} from '../../factories/billing.js';

// Who may call each billing route: a normal member with billing access, an admin and the owner.
// Who may not (no token, a token without `billing`, a normal member without billing access, a
// member of another organisation, another organisation's method in the path), and that a refused
// call changes nothing, is the isolation matrix's (test/modules/isolation.test.ts), for every
// organisation route.

interface Route {
  op: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: (org: number, methodId: number) => string;
  success: number;
  body?: () => unknown;
}

const ROUTES: Route[] = [
  { op: 'listPaymentMethods', method: 'GET', url: (o) => methodsUrl(o), success: 200 },
  {
    op: 'createPaymentMethod',
    method: 'POST',
    url: (o) => methodsUrl(o),
    success: 201,
    body: () => cardBody(CARDS.visa),
  },
  { op: 'deletePaymentMethod', method: 'DELETE', url: methodUrl, success: 200 },
  { op: 'getPrepaidAccount', method: 'GET', url: (o) => prepaidUrl(o), success: 200 },
  { op: 'listPrepaidTransactions', method: 'GET', url: (o) => ledgerUrl(o), success: 200 },
  {
    op: 'creditPrepaidAccount',
    method: 'POST',
    url: (o) => creditUrl(o),
    success: 201,
    body: () => ({ amount: 500, method: 'card' }),
  },
];

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const org = owner.accountId;
const admin = await createMember(app.db, org, 'admin');
const billingNormal = await createMember(app.db, org, 'normal', { has_billing_access: true });
const outsider = await createUser(app.db);
await saveCard(app, owner.token, org, CARDS.visa);

t.test('every billing route is in the table', async (t) => {
  const ops = new Set(ROUTES.map((r) => r.op));
  const spec = app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  const billingOps = Object.entries(spec.paths)
    .filter(([p]) => p.includes('payment_methods') || p.includes('prepaid'))
    .flatMap(([, ms]) => Object.values(ms).map((m) => m.operationId));
  t.same(new Set(billingOps), ops);
});

/** A fresh method of the organisation for each call, so that every call may delete the one it names. */
const freshMethod = () => saveCard(app, owner.token, org, CARDS.visa);

for (const r of ROUTES) {
  t.test(r.op, async (t) => {
    for (const [label, who] of [
      ['normal with billing access', billingNormal],
      ['admin', admin],
      ['owner', owner],
    ] as const) {
      const res = await call(app, who.token, r.method, r.url(org, await freshMethod()), r.body?.());
      t.equal(res.statusCode, r.success, `${r.op} by ${label}`);
      t.equal(res.json().result, 'success');
    }
  });
}

t.test("a foreign organisation's method named in the body is 404, and nothing is charged", async (t) => {
  const foreign = await saveCard(app, outsider.token, outsider.accountId, CARDS.visa);
  const credit = await call(app, owner.token, 'POST', creditUrl(org), {
    amount: 500,
    method: 'card',
    payment_method_id: foreign,
  });
  t.equal(credit.statusCode, 404);
  const row = await app.db
    .selectFrom('payment_methods')
    .select('deleted_at')
    .where('id', '=', foreign)
    .executeTakeFirstOrThrow();
  t.equal(row.deleted_at, null, 'the foreign method is untouched');
  t.equal((await payments(app.db, outsider.accountId)).length, 0);
});
