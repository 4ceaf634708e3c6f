import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createMember } from '../../factories/organisations.js';
import { createUser } from '../../factories/users.js';
import { invoicesUrl, invoiceUrl, orderUrl, ordersUrl, placeOrder } from '../../factories/invoices.js';

// Who may call each billing route of the module: owners, admins and normal members with billing
// access. Who may not (no token, no billing scope, a normal member without billing access, a
// member of another organisation, another organisation's order or invoice) is the isolation
// matrix's (test/modules/isolation.test.ts), for every organisation route.

interface Route {
  op: string;
  method: 'GET' | 'POST';
  url: (org: number, ids: { order: number; invoice: number }) => string;
  success: number;
  body?: unknown;
}
const ORDER = { items: [{ service_name: 'email_hosting', customer_name: 'mail', period_months: 12 }] };
const ROUTES: Route[] = [
  { op: 'createOrder', method: 'POST', url: (o) => ordersUrl(o), success: 201, body: ORDER },
  { op: 'listOrders', method: 'GET', url: (o) => ordersUrl(o), success: 200 },
  { op: 'getOrder', method: 'GET', url: (o, i) => orderUrl(o, i.order), success: 200 },
  { op: 'listInvoices', method: 'GET', url: (o) => invoicesUrl(o), success: 200 },
  { op: 'getInvoice', method: 'GET', url: (o, i) => invoiceUrl(o, i.invoice), success: 200 },
  { op: 'getInvoicePdf', method: 'GET', url: (o, i) => `${invoiceUrl(o, i.invoice)}/pdf`, success: 200 },
];

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const org = owner.accountId;
const admin = await createMember(app.db, org, 'admin');
const biller = await createMember(app.db, org, 'normal', { has_billing_access: true });
const own = await placeOrder(app, owner.token, org, ORDER.items);
const ownIds = { order: own.id, invoice: own.invoice_id };

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
    const send = (token: string) => call(app, token, r.method, r.url(org, ownIds), r.body);
    for (const [who, m] of [
      ['owner', owner],
      ['admin', admin],
      ['normal with billing access', biller],
    ] as const) {
      t.equal((await send(m.token)).statusCode, r.success, who);
    }
  });
}
