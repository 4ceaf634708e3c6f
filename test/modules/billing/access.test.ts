import t from 'tap';
import { buildTestApp, testDatabase, call } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { addMember, createMember } from '../../factories/organisations.js';
import {
  cardBody,
  CARDS,
  creditUrl,
  ledger,
  ledgerUrl,
  methodsUrl,
  methodUrl,
  payments,
  prepaidUrl,
  saveCard,
} from '../../factories/billing.js';

// Who may call each billing route: no token (401), a token without `billing` (403), a normal
// member without billing access (403), one with it (allowed), an admin and the owner
// (allowed), a member of another organisation (404). A refused call changes nothing.

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
const normal = await createMember(app.db, org, 'normal');
const billingNormal = await createMember(app.db, org, 'normal', { has_billing_access: true });
const unscoped = await createUser(app.db, { scopes: ['user_info', 'accounts'] });
await addMember(app.db, org, unscoped.id, 'owner');
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

const freshMethod = () => saveCard(app, owner.token, org, CARDS.visa);
const snapshot = async () => ({
  methods: await app.db
    .selectFrom('payment_methods')
    .select(['id', 'deleted_at'])
    .where('account_id', '=', org)
    .orderBy('id')
    .execute(),
  payments: (await payments(app.db, org)).length,
  ledger: (await ledger(app.db, org)).length,
});

for (const r of ROUTES) {
  t.test(r.op, async (t) => {
    const attempt = async (token: string | null, accountId = org) => {
      const method = await freshMethod();
      const before = await snapshot();
      const res = await call(app, token, r.method, r.url(accountId, method), r.body?.());
      return { res, before };
    };
    const refused = async (token: string | null, status: number, code: string, accountId = org) => {
      const { res, before } = await attempt(token, accountId);
      t.equal(res.statusCode, status, `${r.op}: ${status}`);
      t.equal(res.json().error.code, code);
      t.same(await snapshot(), before, 'nothing changed');
    };
    await refused(null, 401, 'not_authorized');
    await refused(unscoped.token, 403, 'access_denied');
    await refused(normal.token, 403, 'access_denied');
    await refused(outsider.token, 404, 'object_not_found');
    for (const [label, who] of [
      ['normal with billing access', billingNormal],
      ['admin', admin],
      ['owner', owner],
    ] as const) {
      const { res } = await attempt(who.token);
      t.equal(res.statusCode, r.success, `${r.op} by ${label}`);
      t.equal(res.json().result, 'success');
    }
  });
}

t.test("a foreign organisation's method is 404 even for a billing member of the other one", async (t) => {
  const foreign = await saveCard(app, outsider.token, outsider.accountId, CARDS.visa);
  const del = await call(app, owner.token, 'DELETE', methodUrl(org, foreign));
  t.equal(del.statusCode, 404);
  t.equal(del.json().error.code, 'object_not_found');
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

t.test('a token whose scopes lack billing is refused with the missing scope named', async (t) => {
  const res = await call(app, unscoped.token, 'POST', creditUrl(org), { amount: 500, method: 'card' });
  t.equal(res.statusCode, 403);
  t.match(JSON.stringify(res.json().error), /billing/);
});
