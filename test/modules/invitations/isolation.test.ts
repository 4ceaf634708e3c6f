import t from 'tap';
import { bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createToken, createUser } from '../../factories/users.js';
import { inviteBody, inviteOk } from '../../factories/invitations.js';
import { type App, createMember, freshEmail, outbox } from '../../factories/organisations.js';
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const database = await testDatabase(t);

t.test('who may call the invitation routes', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const account = owner.accountId;
  const normal = await createMember(app.db, account, 'normal');
  const stranger = await createUser(app.db);
  const inv = await inviteOk(app, owner.token, account);
  const invitee = await createUser(app.db);
  await inviteOk(app, owner.token, account, { email: invitee.email });
  const noScope = await createToken(app.db, owner.id, ['user_info', 'billing']);
  const strangersInvitation = await inviteOk(app, stranger.token, stranger.accountId);

  // Every route of the module on the organisation, with a body that would otherwise succeed.
  const routes: { method: Method; url: string; body?: () => Record<string, unknown> }[] = [
    { method: 'POST', url: `/1/accounts/${account}/invitations`, body: () => inviteBody() },
    { method: 'GET', url: `/1/accounts/${account}/invitations/${inv.id}` },
    { method: 'PATCH', url: `/1/accounts/${account}/invitations/${inv.id}`, body: () => ({ has_billing: true }) },
    { method: 'DELETE', url: `/1/accounts/${account}/invitations/${inv.id}` },
    { method: 'GET', url: `/1/accounts/${account}/invitations/users/${invitee.id}` },
  ];
  const call = (app: App, r: (typeof routes)[number], headers: Record<string, string>) =>
    app.inject({ method: r.method, url: r.url, headers, ...(r.body ? { payload: r.body() } : {}) });

  for (const r of routes) {
    t.test(`${r.method} ${r.url.replace(/\d+/g, ':id')}`, async (t) => {
      const anonymous = await call(app, r, {});
      t.equal(anonymous.statusCode, 401, 'no token');
      t.equal(anonymous.json().error.code, 'not_authorized');

      const scopeless = await call(app, r, bearer(noScope.secret));
      t.equal(scopeless.statusCode, 403, 'a token without the accounts scope');
      t.match(scopeless.json().error.description, /accounts/);

      const lowRole = await call(app, r, bearer(normal.token));
      t.equal(lowRole.statusCode, 403, 'a normal member');
      t.equal(lowRole.json().error.code, 'access_denied');

      const foreign = await call(app, r, bearer(stranger.token));
      t.equal(foreign.statusCode, 404, 'a member of another organisation');
      t.equal(foreign.json().error.code, 'object_not_found');
      t.notMatch(foreign.body, /invitation/i, 'not even a hint that the invitation exists');
    });
  }

  t.test('nothing was changed by the refused calls', async (t) => {
    const stored = await app.db
      .selectFrom('invitations')
      .select(['status', 'has_billing'])
      .where('id', '=', inv.id)
      .executeTakeFirstOrThrow();
    t.same(stored, { status: 'pending', has_billing: false });
    t.equal(
      await app.db
        .selectFrom('invitations')
        .select('id')
        .where('account_id', '=', account)
        .execute()
        .then((r) => r.length),
      2,
    );
  });

  t.test("another organisation's invitation through one's own organisation is not found", async (t) => {
    const path = `/1/accounts/${account}/invitations/${strangersInvitation.id}`;
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await app.inject({
        method,
        url: path,
        headers: bearer(owner.token),
        ...(method === 'PATCH' ? { payload: { has_billing: true } } : {}),
      });
      t.equal(res.statusCode, 404, method);
    }
    const stored = await app.db
      .selectFrom('invitations')
      .select(['status', 'has_billing'])
      .where('id', '=', strangersInvitation.id)
      .executeTakeFirstOrThrow();
    t.same(stored, { status: 'pending', has_billing: false });
  });

  t.test('an unknown organisation is a 404, as a foreign one is', async (t) => {
    const email = freshEmail();
    const res = await app.inject({
      method: 'POST',
      url: '/1/accounts/999999/invitations',
      headers: bearer(owner.token),
      payload: inviteBody({ email }),
    });
    t.equal(res.statusCode, 404);
    t.equal((await outbox(app.db, email)).length, 0);
  });
});
