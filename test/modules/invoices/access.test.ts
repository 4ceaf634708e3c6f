import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { addMember, createMember } from '../../factories/organisations.js';
import { createUser } from '../../factories/users.js';
import { invoicesUrl, invoiceUrl, orderUrl, ordersUrl, placeOrder } from '../../factories/invoices.js';

// Who may call each billing route of the module: no token 401, a token without `billing` 403,
// a normal member without billing access 403, a non-member 404, another organisation's order or
// invoice 404; owners, admins and normal members with billing access may.

interface Route {
  op: string;
  method: 'GET' | 'POST';
  url: (org: number, ids: { order: number; invoice: number }) => string;
  success: number;
  body?: unknown;
  /** The route names an order or invoice of the organisation. */
  object?: boolean;
}
const ORDER = { items: [{ service_name: 'email_hosting', customer_name: 'mail', period_months: 12 }] };
const ROUTES: Route[] = [
  { op: 'createOrder', method: 'POST', url: (o) => ordersUrl(o), success: 201, body: ORDER },
  { op: 'listOrders', method: 'GET', url: (o) => ordersUrl(o), success: 200 },
  { op: 'getOrder', method: 'GET', url: (o, i) => orderUrl(o, i.order), success: 200, object: true },
  { op: 'listInvoices', method: 'GET', url: (o) => invoicesUrl(o), success: 200 },
  { op: 'getInvoice', method: 'GET', url: (o, i) => invoiceUrl(o, i.invoice), success: 200, object: true },
  { op: 'getInvoicePdf', method: 'GET', url: (o, i) => `${invoiceUrl(o, i.invoice)}/pdf`, success: 200, object: true },
];

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const org = owner.accountId;
const admin = await createMember(app.db, org, 'admin');
const normal = await createMember(app.db, org, 'normal');
const biller = await createMember(app.db, org, 'normal', { has_billing_access: true });
const unscoped = await createUser(app.db, { scopes: ['user_info', 'accounts'] });
await addMember(app.db, org, unscoped.id, 'owner');
const outsider = await createUser(app.db);
const own = await placeOrder(app, owner.token, org, ORDER.items);
const foreign = await placeOrder(app, outsider.token, outsider.accountId, ORDER.items);
const ownIds = { order: own.id, invoice: own.invoice_id };
const foreignIds = { order: foreign.id, invoice: foreign.invoice_id };

t.test('every route of the module is in the table', async (t) => {
  const ops = new Set<string>();
  const spec = app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  for (const [path, methods] of Object.entries(spec.paths)) {
    if (!/^\/1\/accounts\/\{account\}\/(orders|invoices)/.test(path)) continue;
    for (const m of Object.values(methods)) if (m.operationId) ops.add(m.operationId);
  }
  t.same([...ops].sort(), ROUTES.map((r) => r.op).sort());
});

for (const r of ROUTES) {
  t.test(r.op, async (t) => {
    const send = (token: string | null, url = r.url(org, ownIds)) => call(app, token, r.method, url, r.body);
    t.equal((await send(null)).statusCode, 401, 'no token');
    const noScope = await send(unscoped.token);
    t.equal(noScope.statusCode, 403, 'token without billing');
    const low = await send(normal.token);
    t.equal(low.statusCode, 403, 'normal member without billing access');
    t.equal(low.json().error.code, 'access_denied');
    const stranger = await send(outsider.token);
    t.equal(stranger.statusCode, 404, 'not a member');
    t.equal(stranger.json().error.code, 'object_not_found');
    if (r.object)
      t.equal((await send(owner.token, r.url(org, foreignIds))).statusCode, 404, "another organisation's object");
    for (const [who, m] of [
      ['owner', owner],
      ['admin', admin],
      ['normal with billing access', biller],
    ] as const) {
      t.equal((await send(m.token)).statusCode, r.success, who);
    }
  });
}
