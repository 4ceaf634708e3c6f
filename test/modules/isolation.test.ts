import t from 'tap';
import { bearer, buildTestApp } from '../helper.js';
import { addProduct, addTag, addTeam, createMember } from '../factories/organisations.js';
import { createToken, createUser } from '../factories/users.js';

// The isolation matrix of every organisation route, written once from the route table: a
// route under /accounts, /account or /products that has no row here fails the suite, so a
// route added later cannot skip these checks.
//   no token                           → 401 not_authorized
//   a token without the accounts scope → 403 access_denied naming it
//   a member of another organisation   → 404 object_not_found (never a hint it exists)
//   a role below the route's minimum   → 403 access_denied
// Billing routes need the billing scope instead, and refuse members without billing access.

type Role = 'member' | 'billing' | 'admin' | 'owner';
interface Row {
  /**
   * The least role that may call it; 'member' routes have no role refusal to test, 'billing'
   * ones refuse a normal member without has_billing_access.
   */
  min: Role;
  scope?: 'accounts' | 'billing';
  /** false for routes that are not about one organisation (lists across them, `current`). */
  scoped?: boolean;
  body?: (w: World) => object;
  /** The {user} of the path, when the route has one. */
  user?: (w: World) => number;
}

interface World {
  account: number;
  tag: number;
  team: number;
  invitation: number;
  owner: number;
  admin: number;
  normal: number;
  spare: number;
  product: number;
}

const MATRIX: Record<string, Row> = {
  'GET /1/accounts': { min: 'member', scoped: false },
  'GET /1/account': { min: 'member', scoped: false },
  'GET /1/accounts/{account_id}': { min: 'member' },
  'PATCH /1/accounts/{account_id}': { min: 'owner', body: () => ({ name: 'Renamed' }) },
  'GET /1/accounts/{account_id}/services': { min: 'member' },
  'GET /1/accounts/{account_id}/basic/teams': { min: 'member' },
  'GET /1/accounts/{account_id}/tags': { min: 'member' },
  'POST /1/accounts/{account_id}/tags': { min: 'admin', body: () => ({ name: 'new-tag' }) },
  'PUT /1/accounts/{account_id}/tags/{tag_id}': { min: 'admin', body: () => ({ name: 'other-tag' }) },
  'DELETE /1/accounts/{account_id}/tags/{tag_id}': { min: 'admin' },
  'GET /1/accounts/{account_id}/products': { min: 'member' },
  'GET /1/accounts/current/products': { min: 'member', scoped: false },
  'GET /1/products': { min: 'member', scoped: false },
  'GET /2/accounts/{account}/users': { min: 'member' },
  'GET /2/accounts/{account}/users/{user}': { min: 'member', user: (w) => w.spare },
  'PATCH /2/accounts/{account}/users/{user}': { min: 'admin', user: (w) => w.spare, body: () => ({ has_billing_access: true }) },
  'DELETE /2/accounts/{account}/users/{user}': { min: 'admin', user: (w) => w.spare },
  'POST /2/accounts/{account}/users/remove': { min: 'admin', body: (w) => ({ user_ids: [w.spare] }) },
  'POST /1/accounts/{account}/leave': { min: 'member' },
  'POST /1/accounts/{account}/legal_responsible': { min: 'owner', body: (w) => ({ user_id: w.admin, previous_role: 'admin' }) },
  'POST /1/accounts/{account}/invitations': {
    min: 'admin', body: () => ({ email: 'someone@example.test', first_name: 'Some', last_name: 'One', locale: 'en_GB', role_type: 'normal' }),
  },
  'GET /1/accounts/{account}/invitations/{invitation}': { min: 'admin' },
  'PATCH /1/accounts/{account}/invitations/{invitation}': { min: 'admin', body: () => ({ role_type: 'admin' }) },
  'DELETE /1/accounts/{account}/invitations/{invitation}': { min: 'admin' },
  'GET /1/accounts/{account}/invitations/users/{user}': { min: 'admin', user: (w) => w.owner },
  'GET /1/accounts/{account}/teams': { min: 'member' },
  'POST /1/accounts/{account}/teams': { min: 'admin', body: () => ({ name: 'New team' }) },
  'GET /1/accounts/{account}/teams/{team}': { min: 'member' },
  'PATCH /1/accounts/{account}/teams/{team}': { min: 'admin', body: () => ({ name: 'Renamed team' }) },
  'DELETE /1/accounts/{account}/teams/{team}': { min: 'admin' },
  'GET /1/accounts/{account}/teams/{team}/users': { min: 'member' },
  'POST /1/accounts/{account}/teams/{team}/users': { min: 'admin', body: (w) => ({ user_ids: [w.spare] }) },
  'DELETE /1/accounts/{account}/teams/{team}/users': { min: 'admin', body: (w) => ({ user_ids: [w.spare] }) },
  // Billing: the objects' ids need not exist, every refusal comes before the lookup.
  'GET /1/accounts/{account}/payment_methods': { min: 'billing', scope: 'billing' },
  'POST /1/accounts/{account}/payment_methods': {
    min: 'billing', scope: 'billing', body: () => ({ kind: 'card', number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
  },
  'DELETE /1/accounts/{account}/payment_methods/{payment_method}': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/prepaid': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/prepaid/transactions': { min: 'billing', scope: 'billing' },
  'POST /1/accounts/{account}/prepaid/credit': { min: 'billing', scope: 'billing', body: () => ({ amount: 1000, method: 'card' }) },
  'POST /1/accounts/{account}/orders': {
    min: 'billing', scope: 'billing', body: () => ({ items: [{ service_name: 'domain', customer_name: 'example-isolation.ch', period_months: 12 }] }),
  },
  'GET /1/accounts/{account}/orders': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/orders/{order}': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/invoices': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/invoices/{invoice}': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/invoices/{invoice}/pdf': { min: 'billing', scope: 'billing' },
  'POST /1/accounts/{account}/payments': { min: 'billing', scope: 'billing', body: () => ({ invoice_ids: [1], method: 'card' }) },
  'GET /1/accounts/{account}/payments': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/payments/{payment}': { min: 'billing', scope: 'billing' },
  'POST /1/accounts/{account}/payments/{payment}/record_transfer': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/billing/due': { min: 'billing', scope: 'billing' },
  'POST /1/accounts/{account}/renewals': { min: 'billing', scope: 'billing', body: () => ({ items: [{ product_id: 1, period_months: 12 }] }) },
  'GET /1/accounts/{account}/auto_renewal': { min: 'billing', scope: 'billing' },
  'POST /1/accounts/{account}/auto_renewal': { min: 'billing', scope: 'billing', body: () => ({ enabled: false, all: true }) },
  'PUT /1/accounts/{account}/products/{product}/auto_renewal': { min: 'billing', scope: 'billing', body: () => ({ enabled: false }) },
  'GET /1/accounts/{account}/renewal_attempts': { min: 'billing', scope: 'billing' },
  'GET /1/accounts/{account}/logs': { min: 'admin' },
};

const ORGANISATION_PATH = /^\/\d+\/(accounts?|products)(\/|$)/;

t.test('the isolation matrix', async (t) => {
  const app = await buildTestApp(t);
  const db = app.db;

  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const routes = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
  const organisationRoutes = routes.filter((r) => ORGANISATION_PATH.test(r.split(' ')[1]!));
  t.same(organisationRoutes.filter((r) => !MATRIX[r]), [], 'every organisation route has a row in the matrix');
  t.same(Object.keys(MATRIX).filter((r) => !routes.includes(r)), [], 'every row of the matrix is a route');

  // Organisation A with an owner, an admin, a normal member and a spare member; B, foreign.
  const owner = await createUser(db);
  const admin = await createMember(db, owner.accountId, 'admin');
  const normal = await createMember(db, owner.accountId, 'normal');
  const spare = await createMember(db, owner.accountId, 'normal');
  const stranger = await createUser(db);
  const noScope = await createToken(db, owner.id, ['user_info', 'billing']);
  const noBilling = await createToken(db, owner.id, ['user_info', 'accounts']);
  const product = (await addProduct(db, owner.accountId, 'domain')).id;
  const invited = await app.inject({
    method: 'POST', url: `/1/accounts/${owner.accountId}/invitations`, headers: bearer(owner.token),
    payload: { email: 'pending@example.test', first_name: 'Pen', last_name: 'Ding', locale: 'fr_FR', role_type: 'normal' },
  });
  t.equal(invited.statusCode, 201, 'an invitation to test with');
  const w: World = {
    account: owner.accountId, tag: await addTag(db, owner.accountId, 'a-tag'), team: (await addTeam(db, owner.accountId, { name: 'A team' })).id,
    invitation: invited.json().data.id, owner: owner.id, admin: admin.id, normal: normal.id, spare: spare.id, product,
  };

  for (const [route, row] of Object.entries(MATRIX)) {
    const [method, template] = route.split(' ') as [string, string];
    const url = template
      .replace(/\{account(_id)?\}/, String(w.account)).replace('{tag_id}', String(w.tag)).replace('{team}', String(w.team))
      .replace('{invitation}', String(w.invitation)).replace('{product}', String(w.product)).replace('{user}', String(row.user?.(w) ?? w.spare))
      .replace(/\{(payment_method|payment|order|invoice)\}/, '1');
    const payload = row.body?.(w);
    const call = (token?: string) =>
      app.inject({ method: method as 'GET', url, payload, headers: token ? bearer(token) : {} });

    const anonymous = await call();
    t.equal(anonymous.statusCode, 401, `${route}: no token`);
    t.equal(anonymous.json().error?.code, 'not_authorized', `${route}: not_authorized`);

    const scope = row.scope ?? 'accounts';
    const scopeless = await call(scope === 'billing' ? noBilling.secret : noScope.secret);
    t.equal(scopeless.statusCode, 403, `${route}: no ${scope} scope`);
    t.match(scopeless.json().error, { code: 'access_denied', context: { missing_scopes: [scope] } }, `${route}: names the scope`);

    if (row.scoped !== false) {
      const foreign = await call(stranger.token);
      t.equal(foreign.statusCode, 404, `${route}: a member of another organisation`);
      t.equal(foreign.json().error?.code, 'object_not_found', `${route}: object_not_found`);
    }
    const below = row.min === 'owner' ? [normal, admin] : row.min === 'admin' || row.min === 'billing' ? [normal] : [];
    for (const who of below) {
      const refused = await call(who.token);
      t.equal(refused.statusCode, 403, `${route}: refused to a member below ${row.min}`);
      t.equal(refused.json().error?.code, 'access_denied', `${route}: access_denied`);
    }
  }

  const still = await app.inject({ method: 'GET', url: `/2/accounts/${w.account}/users`, headers: bearer(owner.token) });
  t.equal(still.json().total, 5, 'the refused calls changed nothing: four members and the pending invitee');
});
