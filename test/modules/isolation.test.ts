import t from 'tap';
import { sql } from 'kysely';
import { bearer, buildTestApp } from '../helper.js';
import { type App, addProduct, addTag, addTeam, createMember } from '../factories/organisations.js';
import { createToken, createUser } from '../factories/users.js';
import { CARDS, saveCard } from '../factories/billing.js';
import { inviteOk } from '../factories/invitations.js';
import { placeOrder } from '../factories/invoices.js';
import { addInvoice, paymentsUrl } from '../factories/payments.js';
import { ORGANISATION_PATH } from '../../src/plugins/route-meta.js';
import type { RouteAuth } from '../../src/shared/scopes.js';

// The isolation matrix of every organisation route, read from the routes themselves: each
// route under /accounts, /account or /products declares its isolation class in config.access
// (the app refuses to boot otherwise), and app.routeTable lists them, so a route added later
// cannot skip these checks.
//   no token                           → 401 not_authorized
//   a token without the route's scope  → 403 access_denied naming it (accounts, or billing)
//   a member of another organisation   → 404 object_not_found (never a hint it exists: the very
//                                        answer an organisation that does not exist gets), unless
//                                        the route is not about one organisation (scoped: false)
//   another organisation's object      → 404 object_not_found, named in the path through one's own
//                                        organisation, for the least member the route admits and
//                                        for the owner: the very answer an object that does not
//                                        exist gets
//   a role below the route's minimum   → 403 access_denied ('billing': a normal member
//                                        without has_billing_access)
//   and none of these refused calls changes a row of any table.
// Only what a call needs is written here: its body, and the {user} of its path.

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

/** The objects a route's path may name, by parameter: the {user} one aside, which each call chooses. */
type Objects = Record<
  'tag_id' | 'team' | 'invitation' | 'product' | 'payment_method' | 'payment' | 'order' | 'invoice',
  number
>;
const OBJECT_PARAM = /:(tag_id|team|invitation|product|user|payment_method|payment|order|invoice)\b/g;
const NOWHERE = 99_999_999;

/** The route's path on an organisation, naming the objects given. */
const pathOf = (template: string, account: number, objects: Objects, user: number) =>
  template
    .replace(/:account(_id)?\b/, String(account))
    .replace(OBJECT_PARAM, (_, p: string) => String(p === 'user' ? user : objects[p as keyof Objects]));

/**
 * Every row of every table, to tell that refused calls wrote nothing anywhere. A token's
 * last_used_at aside: authentication marks the token used before the route refuses the call.
 */
async function everyRow(app: App) {
  const tables = (await app.db.introspection.getTables()).map((table) => table.name).sort();
  const rows: Record<string, string[]> = {};
  for (const name of tables) {
    const { rows: found } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(app.db);
    rows[name] = found.map((r) => JSON.stringify(name === 'api_tokens' ? { ...r, last_used_at: undefined } : r)).sort();
  }
  return rows;
}

/** An answer with the ids of the path it echoes back masked, to compare answers about different objects. */
const masked = (body: string, url: string) =>
  url
    .split('/')
    .slice(2)
    .filter((part) => /^\d+$/.test(part))
    .reduce((text, id) => text.replace(new RegExp(`\\b${id}\\b`, 'g'), '#'), body);

/** Another organisation with one object of each kind a path may name, and a member of it. */
async function foreignWorld(app: App, owner: { id: number; accountId: number; token: string }) {
  const db = app.db;
  const account = owner.accountId;
  const order = await placeOrder(app, owner.token, account, [
    { service_name: 'domain', customer_name: 'example-foreign.ch', period_months: 12 },
  ]);
  const transfer = await app.inject({
    method: 'POST',
    url: paymentsUrl(account),
    headers: bearer(owner.token),
    payload: { invoice_ids: [await addInvoice(db, account, 500)], method: 'iban' },
  });
  const objects: Objects = {
    tag_id: await addTag(db, account, 'a-foreign-tag'),
    team: (await addTeam(db, account, { name: 'A foreign team' })).id,
    invitation: (await inviteOk(app, owner.token, account)).id,
    product: (await addProduct(db, account, 'domain')).id,
    payment_method: await saveCard(app, owner.token, account, CARDS.visa),
    payment: transfer.json().data.id,
    order: order.id,
    invoice: order.invoice_id,
  };
  return { objects, member: (await createMember(db, account, 'normal')).id };
}

interface Call {
  body?: (w: World) => object;
  /** The {user} of the path, when the route has one (else the spare member). */
  user?: (w: World) => number;
}

const CALLS: Record<string, Call> = {
  'PATCH /1/accounts/:account_id': { body: () => ({ name: 'Renamed' }) },
  'POST /1/accounts/:account_id/tags': { body: () => ({ name: 'new-tag' }) },
  'PUT /1/accounts/:account_id/tags/:tag_id': { body: () => ({ name: 'other-tag' }) },
  'GET /2/accounts/:account/users/:user': { user: (w) => w.spare },
  'PATCH /2/accounts/:account/users/:user': { user: (w) => w.spare, body: () => ({ has_billing_access: true }) },
  'DELETE /2/accounts/:account/users/:user': { user: (w) => w.spare },
  'POST /2/accounts/:account/users/remove': { body: (w) => ({ user_ids: [w.spare] }) },
  'POST /1/accounts/:account/legal_responsible': { body: (w) => ({ user_id: w.admin, previous_role: 'admin' }) },
  'POST /1/accounts/:account/invitations': {
    body: () => ({
      email: 'someone@example.test',
      first_name: 'Some',
      last_name: 'One',
      locale: 'en_GB',
      role_type: 'normal',
    }),
  },
  'PATCH /1/accounts/:account/invitations/:invitation': { body: () => ({ role_type: 'admin' }) },
  'GET /1/accounts/:account/invitations/users/:user': { user: (w) => w.owner },
  'POST /1/accounts/:account/teams': { body: () => ({ name: 'New team' }) },
  'PATCH /1/accounts/:account/teams/:team': { body: () => ({ name: 'Renamed team' }) },
  'POST /1/accounts/:account/teams/:team/users': { body: (w) => ({ user_ids: [w.spare] }) },
  'DELETE /1/accounts/:account/teams/:team/users': { body: (w) => ({ user_ids: [w.spare] }) },
  // Billing: the objects' ids need not exist, every refusal comes before the lookup.
  'POST /1/accounts/:account/payment_methods': {
    body: () => ({ kind: 'card', number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }),
  },
  'POST /1/accounts/:account/prepaid/credit': { body: () => ({ amount: 1000, method: 'card' }) },
  'POST /1/accounts/:account/orders': {
    body: () => ({ items: [{ service_name: 'domain', customer_name: 'example-isolation.ch', period_months: 12 }] }),
  },
  'POST /1/accounts/:account/payments': { body: () => ({ invoice_ids: [1], method: 'card' }) },
  'POST /1/accounts/:account/renewals': { body: () => ({ items: [{ product_id: 1, period_months: 12 }] }) },
  'POST /1/accounts/:account/auto_renewal': { body: () => ({ enabled: false, all: true }) },
  'PUT /1/accounts/:account/products/:product/auto_renewal': { body: () => ({ enabled: false }) },
};

/** The scope an organisation route's token needs (its config.auth): accounts, or billing for the billing routes. */
const scopeOf = (auth: RouteAuth | undefined) =>
  typeof auth === 'object' && auth.scopes.includes('billing') ? 'billing' : 'accounts';

t.test('the isolation matrix', async (t) => {
  const app = await buildTestApp(t);
  const db = app.db;

  const declared = app.routeTable.flatMap((r) => (r.access ? [{ ...r, access: r.access }] : []));
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
  );
  const matrix = new Set(declared.map((r) => `${r.method} ${r.url}`));
  t.same(
    documented.filter((r) => ORGANISATION_PATH.test(r.split(' ')[1]) && !matrix.has(r)),
    [],
    'every organisation route of the document declares its access',
  );
  t.ok(declared.length >= 50, 'the organisation routes');
  t.same(
    Object.keys(CALLS).filter((r) => !matrix.has(r)),
    [],
    'every call written here is of an organisation route',
  );

  // Organisation A with an owner, an admin, a normal member (and one with billing access) and a spare member; B, foreign.
  const owner = await createUser(db);
  const admin = await createMember(db, owner.accountId, 'admin');
  const normal = await createMember(db, owner.accountId, 'normal');
  const biller = await createMember(db, owner.accountId, 'normal', { has_billing_access: true });
  const leastAdmitted = { member: normal, billing: biller, admin, owner };
  const spare = await createMember(db, owner.accountId, 'normal');
  const stranger = await createUser(db);
  const noScope = await createToken(db, owner.id, ['user_info', 'billing']);
  const noBilling = await createToken(db, owner.id, ['user_info', 'accounts']);
  const product = (await addProduct(db, owner.accountId, 'domain')).id;
  const invited = await app.inject({
    method: 'POST',
    url: `/1/accounts/${owner.accountId}/invitations`,
    headers: bearer(owner.token),
    payload: {
      email: 'pending@example.test',
      first_name: 'Pen',
      last_name: 'Ding',
      locale: 'fr_FR',
      role_type: 'normal',
    },
  });
  t.equal(invited.statusCode, 201, 'an invitation to test with');
  const w: World = {
    account: owner.accountId,
    tag: await addTag(db, owner.accountId, 'a-tag'),
    team: (await addTeam(db, owner.accountId, { name: 'A team' })).id,
    invitation: invited.json().data.id,
    owner: owner.id,
    admin: admin.id,
    normal: normal.id,
    spare: spare.id,
    product,
  };
  // Billing: the objects' ids of A need not exist, every refusal comes before the lookup.
  const own: Objects = {
    tag_id: w.tag,
    team: w.team,
    invitation: w.invitation,
    product,
    payment_method: 1,
    payment: 1,
    order: 1,
    invoice: 1,
  };
  const foreign = await foreignWorld(app, stranger);
  const nowhere = Object.fromEntries(Object.keys(own).map((k) => [k, NOWHERE])) as Objects;
  const before = await everyRow(app);

  for (const { method, url: template, auth, access } of declared) {
    const route = `${method} ${template}`;
    const { min, scoped } = access;
    const row = CALLS[route] ?? {};
    const user = row.user?.(w) ?? w.spare;
    const payload = row.body?.(w);
    const send = (url: string, token?: string) =>
      app.inject({ method: method as 'GET', url, payload, headers: token ? bearer(token) : {} });
    const url = pathOf(template, w.account, own, user);
    const call = (token?: string) => send(url, token);

    const anonymous = await call();
    t.equal(anonymous.statusCode, 401, `${route}: no token`);
    t.equal(anonymous.json().error?.code, 'not_authorized', `${route}: not_authorized`);

    const scope = scopeOf(auth);
    const scopeless = await call(scope === 'billing' ? noBilling.secret : noScope.secret);
    t.equal(scopeless.statusCode, 403, `${route}: no ${scope} scope`);
    t.match(
      scopeless.json().error,
      { code: 'access_denied', context: { missing_scopes: [scope] } },
      `${route}: names the scope`,
    );

    if (scoped !== false) {
      const outsider = await call(stranger.token);
      t.equal(outsider.statusCode, 404, `${route}: a member of another organisation`);
      t.equal(outsider.json().error?.code, 'object_not_found', `${route}: object_not_found`);
      const unknown = await send(pathOf(template, NOWHERE, own, user), stranger.token);
      t.same(outsider.json(), unknown.json(), `${route}: the answer an organisation that does not exist gets`);
    }
    if (scoped !== false && template.match(OBJECT_PARAM)) {
      const theirsUrl = pathOf(
        template,
        w.account,
        foreign.objects,
        template.includes(':user') ? foreign.member : user,
      );
      const missingUrl = pathOf(template, w.account, nowhere, template.includes(':user') ? NOWHERE : user);
      for (const [who, caller] of new Map([
        [min, leastAdmitted[min]],
        ['owner', owner],
      ])) {
        const theirs = await send(theirsUrl, caller.token);
        t.equal(theirs.statusCode, 404, `${route}: another organisation's object, by the ${who}`);
        t.equal(theirs.json().error?.code, 'object_not_found', `${route}: object_not_found`);
        const missing = await send(missingUrl, caller.token);
        t.equal(
          masked(theirs.body, theirsUrl),
          masked(missing.body, missingUrl),
          `${route}: the answer an object that does not exist gets`,
        );
      }
    }
    const below = min === 'owner' ? [normal, admin] : min === 'admin' || min === 'billing' ? [normal] : [];
    for (const who of below) {
      const refused = await call(who.token);
      t.equal(refused.statusCode, 403, `${route}: refused to a member below ${min}`);
      t.equal(refused.json().error?.code, 'access_denied', `${route}: access_denied`);
    }
  }

  t.same(await everyRow(app), before, 'the refused calls changed nothing, in any table');
  const still = await app.inject({
    method: 'GET',
    url: `/2/accounts/${w.account}/users`,
    headers: bearer(owner.token),
  });
  t.equal(still.json().total, 6, 'five members and the pending invitee');
});
