import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { addProduct, createMember } from '../../factories/organisations.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { CARDS, saveCard } from '../../factories/billing.js';
import { addEmail, addPhone } from '../../factories/profile.js';
import { inviteOk, keyOf } from '../../factories/invitations.js';
import { addInvoice } from '../../factories/payments.js';
import { registerClient } from '../../factories/oauth.js';
import type { RouteActivity } from '../../../src/plugins/route-meta.js';

// Each route that records a change (its config.activity names an action, app.routeTable lists
// them), called for real: it answers 2xx and leaves exactly the log line the route declares
// (action, actor, organisation, target). The table of calls below must name every one of them.

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGP8z8DAQAxgYhhVSF+FAP5FAh/YCdUrAAAAAElFTkSuQmCC';

interface World {
  owner: TestUser;
  member: TestUser;
  spare: TestUser;
  leaver: TestUser;
  org: number;
  ids: Record<string, number>;
  strings: Record<string, string>;
}
interface Call {
  url: (w: World) => string;
  body?: (w: World) => object;
  as?: (w: World) => TestUser | { token: string; id: number };
  /** What the line must say of its target and organisation. */
  expect: (
    w: World,
    data: Record<string, unknown>,
  ) => {
    target_type?: string | null;
    target_id?: number | null;
    account_id?: number | null;
    product_id?: number | null;
  };
}

const CALLS: Record<string, Call> = {
  'POST /1/profile/tokens': {
    url: () => '/1/profile/tokens',
    body: () => ({ name: 'x', scopes: ['user_info'], expired_at: null }),
    expect: (_w, d) => ({ target_type: 'api_token', target_id: d.id as number }),
  },
  'DELETE /1/profile/tokens/:token_id': {
    url: (w) => `/1/profile/tokens/${w.ids.token}`,
    expect: (w) => ({ target_type: 'api_token', target_id: w.ids.token }),
  },
  'PATCH /2/profile': {
    url: () => '/2/profile',
    body: () => ({ firstname: 'Changed' }),
    expect: () => ({ target_type: 'user', account_id: null }),
  },
  'DELETE /2/profile/emails/:email_type/:email_id': {
    url: (w) => `/2/profile/emails/email/${w.ids.email}`,
    expect: (w) => ({ target_type: 'email', target_id: w.ids.email }),
  },
  'DELETE /2/profile/phones/:phone_id': {
    url: (w) => `/2/profile/phones/${w.ids.phone}`,
    expect: (w) => ({ target_type: 'phone', target_id: w.ids.phone }),
  },
  'POST /2/profile/avatar': {
    url: () => '/2/profile/avatar',
    body: () => ({ avatar: PNG }),
    expect: () => ({ target_type: 'user' }),
  },
  'DELETE /2/profile/avatar': { url: () => '/2/profile/avatar', expect: () => ({ target_type: 'user' }) },
  'DELETE /2/profile/sessions/:session_id': {
    url: (w) => `/2/profile/sessions/${w.ids.session}`,
    expect: (w) => ({ target_type: 'session', target_id: w.ids.session }),
  },
  'POST /2/profile/applications/passwords': {
    url: () => '/2/profile/applications/passwords',
    body: () => ({ name: 'p' }),
    expect: (_w, d) => ({ target_type: 'application_password', target_id: d.id as number }),
  },
  'DELETE /2/profile/applications/passwords/:password_id': {
    url: (w) => `/2/profile/applications/passwords/${w.ids.password}`,
    expect: (w) => ({ target_id: w.ids.password }),
  },
  'PUT /2/profile/support_access/:kind': {
    url: () => '/2/profile/support_access/mail',
    expect: () => ({ target_type: 'support_access' }),
  },
  'DELETE /2/profile/support_access/:kind': {
    url: () => '/2/profile/support_access/mail',
    expect: () => ({ target_type: 'support_access' }),
  },
  'PATCH /1/accounts/:account_id': {
    url: (w) => `/1/accounts/${w.org}`,
    body: () => ({ name: 'Renamed org' }),
    expect: (w) => ({ target_type: 'account', target_id: w.org, account_id: w.org }),
  },
  'POST /1/accounts/:account_id/tags': {
    url: (w) => `/1/accounts/${w.org}/tags`,
    body: () => ({ name: 'new-tag' }),
    expect: (w, d) => ({ target_type: 'tag', target_id: d.id as number, account_id: w.org }),
  },
  'PUT /1/accounts/:account_id/tags/:tag_id': {
    url: (w) => `/1/accounts/${w.org}/tags/${w.ids.tag}`,
    body: () => ({ name: 'renamed-tag' }),
    expect: (w) => ({ target_id: w.ids.tag, account_id: w.org }),
  },
  'DELETE /1/accounts/:account_id/tags/:tag_id': {
    url: (w) => `/1/accounts/${w.org}/tags/${w.ids.tag}`,
    expect: (w) => ({ target_id: w.ids.tag }),
  },
  'PATCH /2/accounts/:account/users/:user': {
    url: (w) => `/2/accounts/${w.org}/users/${w.member.id}`,
    body: () => ({ has_billing_access: true }),
    expect: (w) => ({ target_type: 'user', target_id: w.member.id, account_id: w.org }),
  },
  'DELETE /2/accounts/:account/users/:user': {
    url: (w) => `/2/accounts/${w.org}/users/${w.spare.id}`,
    expect: (w) => ({ target_id: w.spare.id, account_id: w.org }),
  },
  'POST /2/accounts/:account/users/remove': {
    url: (w) => `/2/accounts/${w.org}/users/remove`,
    body: (w) => ({ user_ids: [w.ids.removable] }),
    expect: (w) => ({ account_id: w.org }),
  },
  'POST /1/accounts/:account/leave': {
    url: (w) => `/1/accounts/${w.org}/leave`,
    as: (w) => w.leaver,
    expect: (w) => ({ account_id: w.org }),
  },
  'POST /1/accounts/:account/legal_responsible': {
    url: (w) => `/1/accounts/${w.org}/legal_responsible`,
    body: (w) => ({ user_id: w.ids.heir, previous_role: 'admin' }),
    expect: (w) => ({ account_id: w.org }),
  },
  'POST /1/accounts/:account/invitations': {
    url: (w) => `/1/accounts/${w.org}/invitations`,
    body: () => ({
      email: 'every@example.test',
      first_name: 'E',
      last_name: 'V',
      locale: 'fr_FR',
      role_type: 'normal',
    }),
    expect: (w, d) => ({ target_type: 'invitation', target_id: d.id as number, account_id: w.org }),
  },
  'PATCH /1/accounts/:account/invitations/:invitation': {
    url: (w) => `/1/accounts/${w.org}/invitations/${w.ids.invitation}`,
    body: () => ({ role_type: 'admin' }),
    expect: (w) => ({ target_id: w.ids.invitation, account_id: w.org }),
  },
  'DELETE /1/accounts/:account/invitations/:invitation': {
    url: (w) => `/1/accounts/${w.org}/invitations/${w.ids.invitation}`,
    expect: (w) => ({ target_id: w.ids.invitation }),
  },
  'POST /1/invitations/:key/accept': {
    url: (w) => `/1/invitations/${w.strings.key}/accept`,
    as: (w) => w.spare,
    expect: (w) => ({ account_id: w.org, target_type: 'user', target_id: w.spare.id }),
  },
  'POST /1/accounts/:account/teams': {
    url: (w) => `/1/accounts/${w.org}/teams`,
    body: () => ({ name: 'Every team' }),
    expect: (w, d) => ({ target_type: 'team', target_id: d.id as number, account_id: w.org }),
  },
  'PATCH /1/accounts/:account/teams/:team': {
    url: (w) => `/1/accounts/${w.org}/teams/${w.ids.team}`,
    body: () => ({ name: 'Renamed team' }),
    expect: (w) => ({ target_id: w.ids.team }),
  },
  'POST /1/accounts/:account/teams/:team/users': {
    url: (w) => `/1/accounts/${w.org}/teams/${w.ids.team}/users`,
    body: (w) => ({ user_ids: [w.member.id] }),
    expect: (w) => ({ target_id: w.ids.team }),
  },
  'DELETE /1/accounts/:account/teams/:team/users': {
    url: (w) => `/1/accounts/${w.org}/teams/${w.ids.team}/users`,
    body: (w) => ({ user_ids: [w.member.id] }),
    expect: (w) => ({ target_id: w.ids.team }),
  },
  'DELETE /1/accounts/:account/teams/:team': {
    url: (w) => `/1/accounts/${w.org}/teams/${w.ids.team}`,
    expect: (w) => ({ target_id: w.ids.team }),
  },
  'POST /1/accounts/:account/payment_methods': {
    url: (w) => `/1/accounts/${w.org}/payment_methods`,
    body: () => ({ kind: 'paypal', email: 'pay@example.test' }),
    expect: (w, d) => ({ target_type: 'payment_method', target_id: d.id as number, account_id: w.org }),
  },
  'DELETE /1/accounts/:account/payment_methods/:payment_method': {
    url: (w) => `/1/accounts/${w.org}/payment_methods/${w.ids.paypal}`,
    expect: (w) => ({ target_id: w.ids.paypal }),
  },
  'POST /1/accounts/:account/prepaid/credit': {
    url: (w) => `/1/accounts/${w.org}/prepaid/credit`,
    body: () => ({ amount: 5000, method: 'card' }),
    expect: (w) => ({ target_type: 'payment', account_id: w.org }),
  },
  'POST /1/accounts/:account/orders': {
    url: (w) => `/1/accounts/${w.org}/orders`,
    body: () => ({ items: [{ service_name: 'domain', customer_name: 'every.ch', period_months: 12 }] }),
    expect: (w, d) => ({ target_type: 'order', target_id: d.id as number, account_id: w.org }),
  },
  'POST /1/accounts/:account/payments': {
    url: (w) => `/1/accounts/${w.org}/payments`,
    body: (w) => ({ invoice_ids: [w.ids.invoice], method: 'iban' }),
    expect: (w, d) => ({ target_type: 'payment', target_id: d.id as number, account_id: w.org }),
  },
  'POST /1/accounts/:account/payments/:payment/record_transfer': {
    url: (w) => `/1/accounts/${w.org}/payments/${w.ids.ibanPayment}/record_transfer`,
    expect: (w) => ({ target_id: w.ids.ibanPayment }),
  },
  'POST /1/accounts/:account/renewals': {
    url: (w) => `/1/accounts/${w.org}/renewals`,
    body: (w) => ({ items: [{ product_id: w.ids.domain, period_months: 12 }] }),
    expect: (w, d) => ({ target_type: 'invoice', target_id: d.id as number }),
  },
  'PUT /1/accounts/:account/products/:product/auto_renewal': {
    url: (w) => `/1/accounts/${w.org}/products/${w.ids.domain}/auto_renewal`,
    body: () => ({ enabled: true }),
    expect: (w) => ({ target_type: 'product', target_id: w.ids.domain, product_id: w.ids.domain }),
  },
  'POST /1/accounts/:account/auto_renewal': {
    url: (w) => `/1/accounts/${w.org}/auto_renewal`,
    body: () => ({ enabled: false, all: true }),
    expect: (w) => ({ account_id: w.org }),
  },
  'POST /1/oauth_clients': {
    url: () => '/1/oauth_clients',
    body: () => ({ name: 'c', type: 'public', redirect_uris: ['http://127.0.0.1:1/cb'] }),
    expect: () => ({ target_type: 'oauth_client' }),
  },
  'PATCH /1/oauth_clients/:client_id': {
    url: (w) => `/1/oauth_clients/${w.strings.client}`,
    body: () => ({ name: 'renamed' }),
    expect: () => ({ target_type: 'oauth_client' }),
  },
  'DELETE /1/oauth_clients/:client_id': {
    url: (w) => `/1/oauth_clients/${w.strings.client}`,
    expect: () => ({ target_type: 'oauth_client' }),
  },
  'DELETE /token': {
    url: () => '/token',
    as: (w) => ({ token: w.strings.spareToken, id: w.owner.id }),
    expect: () => ({ target_type: 'api_token' }),
  },
};

t.test('every recorded route leaves its line', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const member = await createMember(app.db, org, 'normal');
  const spare = await createMember(app.db, org, 'normal');
  const leaver = await createMember(app.db, org, 'normal');
  const removable = await createMember(app.db, org, 'normal');
  const heir = await createMember(app.db, org, 'admin');
  const call = (who: { token: string }, method: string, url: string, payload?: object) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { ...bearer(who.token), 'user-agent': 'every-action' },
      ...(payload ? { payload } : {}),
    });

  await saveCard(app, owner.token, org, CARDS.visa);
  const invitee = await createUser(app.db);
  const invitation = await inviteOk(app, owner.token, org, { email: invitee.email });
  const toAccept = await inviteOk(app, owner.token, org, {
    email: `${Math.random().toString(36).slice(2)}@example.test`,
  });
  const ibanInvoice = await addInvoice(app.db, org, 1000);
  const iban = (
    await call(owner, 'POST', `/1/accounts/${org}/payments`, { invoice_ids: [ibanInvoice], method: 'iban' })
  ).json().data.id;
  const w: World = {
    owner,
    member,
    spare,
    leaver,
    org,
    ids: {
      token: (
        await call(owner, 'POST', '/1/profile/tokens', { name: 't', scopes: ['user_info'], expired_at: null })
      ).json().data.id,
      email: (await addEmail(app.db, owner.id, 'second@example.test')).id,
      phone: (await addPhone(app.db, owner.id, '+41791234567')).id,
      session: (
        await app.db
          .insertInto('user_sessions')
          .values({
            user_id: owner.id,
            browser: 'B',
            device: 'D',
            location: '',
            ip: '1.2.3.4',
            user_agent: 'x',
            last_accessed_at: 1,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
      password: (await call(owner, 'POST', '/2/profile/applications/passwords', { name: 'gone' })).json().data.id,
      tag: (await call(owner, 'POST', `/1/accounts/${org}/tags`, { name: 'a-tag' })).json().data.id,
      team: (await call(owner, 'POST', `/1/accounts/${org}/teams`, { name: 'A team' })).json().data.id,
      invitation: invitation.id,
      paypal: (
        await call(owner, 'POST', `/1/accounts/${org}/payment_methods`, { kind: 'paypal', email: 'gone@example.test' })
      ).json().data.id,
      invoice: await addInvoice(app.db, org, 700),
      ibanPayment: iban,
      domain: (
        await addProduct(app.db, org, 'domain', {
          customer_name: 'every-action.ch',
          fqdn: 'every-action.ch',
          expiresInDays: 90,
        })
      ).id,
      removable: removable.id,
      heir: heir.id,
    },
    strings: {
      key: keyOf(toAccept.url_accept),
      client: (await registerClient(app, owner.token)).client_id,
      spareToken: (
        await call(owner, 'POST', '/1/profile/tokens', { name: 'to revoke', scopes: ['user_info'], expired_at: null })
      ).json().data.token,
    },
  };
  // The invitation accepted is for the spare member's address.
  await app.db.updateTable('invitations').set({ email: spare.email }).where('id', '=', toAccept.id).execute();
  await app.db.deleteFrom('account_members').where('account_id', '=', org).where('user_id', '=', spare.id).execute();

  const declared = new Map<string, RouteActivity>();
  for (const { method, url, activity } of app.routeTable)
    if (activity && !('none' in activity)) declared.set(`${method} ${url}`, activity);
  const recorded = [...declared.keys()];
  t.same(recorded.filter((r) => !CALLS[r]).sort(), [], 'a call for every recorded route');
  t.same(
    Object.keys(CALLS)
      .filter((r) => !declared.has(r))
      .sort(),
    [],
    'every call is of a recorded route',
  );

  // Order: the routes', with the deletions of what others still use moved to the end.
  const last = [
    'DELETE /1/accounts/:account/teams/:team',
    'DELETE /2/accounts/:account/users/:user',
    'POST /1/accounts/:account/legal_responsible',
  ];
  const order = [
    ...recorded.filter((r) => !last.includes(r) && r !== 'POST /1/invitations/:key/accept'),
    'POST /1/invitations/:key/accept',
    ...last,
  ];
  for (const route of order) {
    const c = CALLS[route];
    const [method] = route.split(' ') as [string];
    const who = c.as?.(w) ?? owner;
    const before =
      (
        await app.db
          .selectFrom('activity_logs')
          .select((eb) => eb.fn.max('id').as('max'))
          .executeTakeFirstOrThrow()
      ).max ?? 0;
    const res = await call(who, method, c.url(w), c.body?.(w));
    if (
      !t.ok(
        res.statusCode >= 200 && res.statusCode < 300,
        `${route}: ${res.statusCode} ${res.statusCode >= 300 ? res.body : ''}`,
      )
    )
      continue;
    const data = res.json<{ data?: Record<string, unknown> }>().data ?? {};
    const lines = await app.db.selectFrom('activity_logs').selectAll().where('id', '>', Number(before)).execute();
    const entry = declared.get(route)!;
    t.equal(lines.length, 1, `${route}: one line`);
    const line = lines[0];
    if (typeof entry.action === 'string') t.equal(line.action, entry.action, `${route}: ${entry.action}`);
    t.match(
      line,
      { user_id: 'id' in who ? who.id : null, ip: '127.0.0.1', user_agent: 'every-action', ...c.expect(w, data) },
      `${route}: actor, target, organisation`,
    );
  }
});
