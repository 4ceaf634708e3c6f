import t from 'tap';
import { sql } from 'kysely';
import {
  ADMIN_TOKEN,
  bearer,
  buildTestApp,
  call as send,
  type Method,
  onPostgres,
  testDatabase,
} from '../../helper.js';
import { addProduct, createMember } from '../../factories/organisations.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { CARDS, saveCard } from '../../factories/billing.js';
import { authorize, Browser, csrfOf, pkce, REDIRECT, registerClient, authorizeUrl } from '../../factories/oauth.js';
import { CHANGING_METHODS } from '../../../src/plugins/route-meta.js';
import { ACTIONS } from '../../../src/modules/reference/data/actions.js';
import { watchStatements } from '../../statements.js';

// The activity log: every change made through the API is recorded with actor, organisation,
// action code, target, IP and user agent; sign-ins, consents and the renewal run record theirs.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const CODES = new Set(ACTIONS.map((a) => a.code));

type Entry = {
  action: string;
  user_id: number | null;
  account_id: number | null;
  target_type: string | null;
  target_id: number | null;
  product_id: number | null;
  ip: string | null;
  user_agent: string | null;
};
const call = (u: TestUser, method: Method, url: string, payload?: object) =>
  send(app, u.token, method, url, payload, { 'user-agent': 'activity-test/1.0' });
const ownLog = async (u: TestUser, query = '') =>
  (await call(u, 'GET', `/2/profile/logs?per_page=200${query}`)).json().data as Entry[];

t.test('every route that changes something has its action, and every action is a known code', async (t) => {
  // The app refuses to boot otherwise (plugins/route-meta.ts); this says so of the routes it serves.
  const changing = app.routeTable.filter((r) => CHANGING_METHODS.has(r.method));
  t.ok(changing.length > 40, 'the routes that change data');
  t.same(
    changing.filter((r) => !r.activity).map((r) => `${r.method} ${r.url}`),
    [],
    'no changing route without its config.activity',
  );
  for (const { method, url, activity } of changing) {
    if (activity && !('none' in activity) && typeof activity.action === 'string') {
      t.ok(CODES.has(activity.action), `${method} ${url}: ${activity.action} is in /1/actions`);
    }
  }
  for (const code of [
    'login_success',
    'login_failed',
    'new_location_login',
    'oauth_application_authorized',
    'product_renewed',
    'item_locked',
    'auto_renewal_enabled',
    'auto_renewal_disabled',
    'password_changed',
    'email_changed',
    'profile_updated',
  ]) {
    t.ok(CODES.has(code), `${code} is in /1/actions`);
  }
});

t.test('changes through the API: actor, organisation, action, target, IP and user agent', async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const member = await createMember(app.db, org, 'normal');
  const expect = async (action: string, want: Partial<Entry>) => {
    const rows = (await ownLog(owner)).filter((e) => e.action === action);
    t.ok(rows.length, `${action} recorded`);
    t.match(rows[0], { user_id: owner.id, ip: '127.0.0.1', user_agent: 'activity-test/1.0', ...want }, action);
  };

  const token = await call(owner, 'POST', '/1/profile/tokens', { name: 'ci', scopes: ['user_info'], expired_at: null });
  await expect('api_token_created', { target_type: 'api_token', target_id: token.json().data.id, account_id: null });
  await call(owner, 'DELETE', `/1/profile/tokens/${token.json().data.id}`);
  await expect('api_token_revoked', { target_id: token.json().data.id });
  await call(owner, 'PATCH', '/2/profile', { firstname: 'Renamed' });
  await expect('profile_updated', { target_type: 'user' });

  const tag = await call(owner, 'POST', `/1/accounts/${org}/tags`, { name: 'logged' });
  await expect('item_added', { account_id: org, target_type: 'tag', target_id: tag.json().data.id });
  const team = await call(owner, 'POST', `/1/accounts/${org}/teams`, { name: 'Logged team' });
  await expect('team_created', { account_id: org, target_type: 'team', target_id: team.json().data.id });
  await call(owner, 'PATCH', `/2/accounts/${org}/users/${member.id}`, { has_billing_access: true });
  await expect('user_permissions_changed', { account_id: org, target_type: 'user', target_id: member.id });
  const invitation = await call(owner, 'POST', `/1/accounts/${org}/invitations`, {
    email: 'logged@example.test',
    first_name: 'Lo',
    last_name: 'Gged',
    locale: 'fr_FR',
    role_type: 'normal',
  });
  await expect('user_invited', { account_id: org, target_type: 'invitation', target_id: invitation.json().data.id });

  const card = await saveCard(app, owner.token, org, CARDS.visa);
  await expect('payment_method_added', {
    account_id: org,
    target_type: 'payment_method',
    target_id: card,
    user_agent: 'lightMyRequest',
  });
  const domain = (
    await addProduct(app.db, org, 'domain', { customer_name: 'logged.ch', fqdn: 'logged.ch', expiresInDays: 90 })
  ).id;
  await call(owner, 'PUT', `/1/accounts/${org}/products/${domain}/auto_renewal`, { enabled: true });
  await expect('auto_renewal_enabled', {
    account_id: org,
    target_type: 'product',
    target_id: domain,
    product_id: domain,
  });
  await call(owner, 'PUT', `/1/accounts/${org}/products/${domain}/auto_renewal`, { enabled: false });
  await expect('auto_renewal_disabled', { product_id: domain });
  const order = await call(owner, 'POST', `/1/accounts/${org}/orders`, {
    items: [{ service_name: 'domain', customer_name: 'logged-order.ch', period_months: 12 }],
  });
  await expect('order_created', { account_id: org, target_type: 'order', target_id: order.json().data.id });
  const payment = await call(owner, 'POST', `/1/accounts/${org}/payments`, {
    order_id: order.json().data.id,
    method: 'card',
  });
  await expect('invoice_paid', { account_id: org, target_type: 'payment', target_id: payment.json().data.id });
  await call(owner, 'PUT', '/2/profile/support_access/mail');
  await expect('support_access_granted', { target_type: 'support_access' });
  const password = await call(owner, 'POST', '/2/profile/applications/passwords', { name: 'logged' });
  await expect('application_password_created', { target_id: password.json().data.id });

  const refused = await call(member, 'POST', `/1/accounts/${org}/tags`, { name: 'nope' });
  t.equal(refused.statusCode, 403);
  t.notOk(
    (await ownLog(member)).some((e) => e.action === 'item_added'),
    'a refused change records nothing',
  );
});

t.test(
  'changes answered at once: each line written before its answer, together, a bad one losing only itself',
  async (t) => {
    const owner = await createUser(app.db);
    const org = owner.accountId;
    let lineWrites = 0;
    watchStatements(t, app, (text) => {
      if (/insert into "?activity_logs/i.test(text)) lineWrites++;
    });
    const lineOf = (tag: number) =>
      app.db
        .selectFrom('activity_logs')
        .select(['action', 'user_agent'])
        .where('target_id', '=', tag)
        .where('target_type', '=', 'tag')
        .executeTakeFirst();
    // 16 tags made at once, each request with its own user agent; each line read as its answer arrives.
    const atOnce = (round: string, agentOf: (i: number) => string) =>
      Promise.all(
        Array.from({ length: 16 }, async (_, i) => {
          const body = { name: `${round} ${i}` };
          const res = await send(app, owner.token, 'POST', `/1/accounts/${org}/tags`, body, {
            'user-agent': agentOf(i),
          });
          const id: number = res.json().data.id;
          return { status: res.statusCode, line: await lineOf(id) };
        }),
      );

    const together = await atOnce('together', (i) => `agent-${i}`);
    t.same(
      together.map((s) => s.line),
      together.map((_, i) => ({ action: 'item_added', user_agent: `agent-${i}` })),
      'each line written before its answer left',
    );
    // The embedded database runs one statement at a time, in the order asked: each line is
    // written before the next change ends, so there is never a line waiting to join another.
    if (onPostgres) t.ok(lineWrites < 16, `16 lines in fewer statements (${lineWrites})`);

    // A line this database refuses, as one whose organisation went meanwhile would be.
    const check = sql`CHECK (user_agent IS DISTINCT FROM 'refused-line')`;
    await sql`ALTER TABLE activity_logs ADD CONSTRAINT refuses_one ${check}`.execute(app.db);
    t.teardown(() => sql`ALTER TABLE activity_logs DROP CONSTRAINT refuses_one`.execute(app.db));
    const REFUSED = 6;
    const refused = await atOnce('one refused', (i) => (i === REFUSED ? 'refused-line' : `agent-${i}`));
    t.same(
      refused.map((s) => s.status),
      Array(16).fill(201),
      'every change answered: a line not written does not undo it',
    );
    t.same(
      refused.map((s) => s.line),
      refused.map((_, i) => (i === REFUSED ? undefined : { action: 'item_added', user_agent: `agent-${i}` })),
      'only the refused line is missing',
    );
    const lines = await app.db.selectFrom('activity_logs').select('id').where('account_id', '=', org).execute();
    t.equal(lines.length, 31, 'each line once');
  },
);

t.test('sign-ins, consents and the renewal run record theirs', async (t) => {
  const u = await createUser(app.db);
  const client = await registerClient(app, u.token);
  const p = pkce();
  const query = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
  };
  const wrong = new Browser(app);
  const page = await wrong.get(authorizeUrl(query));
  await wrong.post(authorizeUrl(query), {
    step: 'sign_in',
    csrf: csrfOf(page.body),
    email: u.email,
    password: 'wrong',
  });
  await authorize(new Browser(app), u, query);
  const actions = (await ownLog(u)).map((e) => e.action);
  for (const a of ['login_failed', 'login_success', 'new_location_login', 'oauth_application_authorized'])
    t.ok(actions.includes(a), a);

  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const renewed = (
    await addProduct(app.db, u.accountId, 'domain', { customer_name: 'auto.ch', fqdn: 'auto.ch', expiresInDays: 10 })
  ).id;
  await app.db
    .updateTable('products')
    .set({ auto_renewal: true, auto_renewal_method_id: card })
    .where('id', '=', renewed)
    .execute();
  await app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: { advance: 60 } });
  await app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: { reset: true } });
  const orgLog = (await call(u, 'GET', `/1/accounts/${u.accountId}/logs?action=product_renewed`)).json()
    .data as Entry[];
  t.match(
    orgLog,
    [{ action: 'product_renewed', user_id: null, product_id: renewed, target_type: 'product' }],
    'the run is the actor-less mirror',
  );
});

t.test("the organisation's log: owners and admins only, with its filters", async (t) => {
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const admin = await createMember(app.db, org, 'admin');
  const normal = await createMember(app.db, org, 'normal', { has_billing_access: true });
  const stranger = await createUser(app.db);
  await call(owner, 'POST', `/1/accounts/${org}/tags`, { name: 'one' });
  await call(admin, 'POST', `/1/accounts/${org}/tags`, { name: 'two' });
  await call(owner, 'POST', `/1/accounts/${org}/teams`, { name: 'Team' });
  const domain = (
    await addProduct(app.db, org, 'domain', { customer_name: 'filter.ch', fqdn: 'filter.ch', expiresInDays: 90 })
  ).id;
  await saveCard(app, owner.token, org, CARDS.visa);
  await call(owner, 'PUT', `/1/accounts/${org}/products/${domain}/auto_renewal`, { enabled: true });
  await call(stranger, 'POST', `/1/accounts/${stranger.accountId}/tags`, { name: 'elsewhere' });

  const url = `/1/accounts/${org}/logs`;
  const all = (await call(owner, 'GET', url)).json();
  t.equal(all.total, 5, "the organisation's changes, not another's");
  t.ok(all.data.every((e: Entry) => e.account_id === org));
  t.same(
    all.data.map((e: Entry) => e.action),
    ['auto_renewal_enabled', 'payment_method_added', 'team_created', 'item_added', 'item_added'],
    'newest first',
  );
  t.equal((await call(admin, 'GET', url)).statusCode, 200, 'an admin may read it');
  const low = await call(normal, 'GET', url);
  t.equal(low.statusCode, 403, 'a normal member may not, even with billing access');

  const data = async (q: string) =>
    (await call(owner, 'GET', `${url}?${q}`)).json().data as (Entry & { user_email: string })[];
  t.same(
    (await data('action=item_added')).map((e) => e.user_id),
    [admin.id, owner.id],
  );
  t.same(
    (await data(`user_id=${admin.id}`)).map((e) => e.action),
    ['item_added'],
  );
  t.same(
    (await data(`filter[product_id]=${domain}`)).map((e) => e.action),
    ['auto_renewal_enabled'],
  );
  t.same(
    (await data('search=team')).map((e) => e.action),
    ['team_created'],
  );
  t.same(
    (await data(`search=${encodeURIComponent(admin.email.slice(0, 10).toUpperCase())}`)).map((e) => e.user_id),
    [admin.id],
    "search by the actor's e-mail",
  );
  const first = all.data.at(-1) as Entry & { created_at: number; id: number };
  t.ok((await data(`from=${first.created_at}&to=${first.created_at + 3600}`)).length >= 1, 'a date range');
  t.same(await data(`from=${first.created_at + 86_400}`), [], 'nothing after');
  const page = (await call(owner, 'GET', `${url}?per_page=2&page=2&order_by=id&order=asc`)).json();
  t.match(page, { total: 5, page: 2, pages: 3, items_per_page: 2 });
  t.same(
    page.data.map((e: Entry) => e.action),
    ['team_created', 'payment_method_added'],
  );
});

t.test("one's own log across organisations", async (t) => {
  const u = await createUser(app.db);
  const other = await createUser(app.db);
  await call(u, 'POST', `/1/accounts/${u.accountId}/tags`, { name: 'mine' });
  await call(other, 'POST', `/1/accounts/${other.accountId}/tags`, { name: 'theirs' });
  const mine = await ownLog(u);
  t.same(
    mine.map((e) => e.action),
    ['item_added'],
  );
  t.equal(mine[0].user_id, u.id);
  t.same(await ownLog(u, '&action=team_created'), []);
});
