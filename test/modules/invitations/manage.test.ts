import t from 'tap';
import { buildTestApp, call as send, type Method, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { accept, ageInvitation, inviteOk } from '../../factories/invitations.js';
import {
  addProduct,
  addTeam,
  type App,
  createMember,
  failedAttributes,
  freshEmail,
} from '../../factories/organisations.js';

const call = (app: App, method: Method, url: string, token: string, payload?: Record<string, unknown>) =>
  send(app, token, method, url, payload);

const database = await testDatabase(t);

t.test('reading, changing and cancelling invitations', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const account = owner.accountId;
  const admin = await createMember(app.db, account, 'admin');
  const url = (id: number) => `/1/accounts/${account}/invitations/${id}`;

  t.test('GET shows the invitation as created, url_accept included', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const res = await call(app, 'GET', url(inv.id), admin.token);
    t.equal(res.statusCode, 200);
    const { key: _key, ...created } = inv;
    t.same(res.json().data, created);
    t.equal((await call(app, 'GET', `${url(inv.id)}?with=teams`, admin.token)).statusCode, 200);
    t.equal((await call(app, 'GET', `${url(inv.id)}?with=users`, admin.token)).statusCode, 422);
  });

  t.test('an invitation from before keys were kept has neither link nor QR code', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    await app.db.updateTable('invitations').set({ key: null }).where('id', '=', inv.id).execute();
    const res = await call(app, 'GET', url(inv.id), admin.token);
    t.equal(res.statusCode, 200);
    t.match(res.json().data, { url_accept: '', qr_code: '' });
  });

  t.test('PATCH changes role, teams, product rights, flags and language', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const { id: team } = await addTeam(app.db, account, { name: 'Ops' });
    const product = await addProduct(app.db, account, 'domain');
    const res = await call(app, 'PATCH', url(inv.id), admin.token, {
      role_type: 'admin',
      team_ids: [team],
      has_billing: true,
      has_billing_mailing: true,
      has_mailing: true,
      language_id: 4,
      permissions: [{ service_id: product.service_id, product_id: product.id, types: ['technical', 'check'] }],
    });
    t.equal(res.statusCode, 200, res.body);
    const data = res.json().data;
    t.match(data, {
      role_type: 'admin',
      has_billing: true,
      has_billing_mailing: true,
      has_mailing: true,
      language_id: 4,
      locale: 'it_IT',
    });
    t.same(
      data.teams.map((x: { id: number }) => x.id),
      [team],
    );
    t.same(data.permissions, [
      {
        service_id: product.service_id,
        service_name: 'domain',
        product_id: product.id,
        apply_to_all: false,
        types: ['technical', 'check'],
      },
    ]);
    t.ok(data.updated_at >= (inv.updated_at as number));
    t.same((await call(app, 'GET', url(inv.id), owner.token)).json().data, data, 'stored');

    const cleared = await call(app, 'PATCH', url(inv.id), admin.token, { team_ids: [], permissions: [] });
    t.same(cleared.json().data.teams, []);
    t.same(cleared.json().data.permissions, []);
    t.equal((await call(app, 'PATCH', url(inv.id), admin.token, {})).statusCode, 200, 'an empty patch changes nothing');
  });

  t.test('PATCH refuses unknown teams, products and languages, naming the field', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const { id: foreignTeam } = await addTeam(app.db, (await createUser(app.db)).accountId);
    const cases: [Record<string, unknown>, string][] = [
      [{ team_ids: [foreignTeam] }, 'team_ids.0'],
      [{ permissions: [{ service_id: 14, product_id: 999999, types: ['check'] }] }, 'permissions.0.product_id'],
      [{ language_id: 9 }, 'language_id'],
      [{ role_type: 'client' }, 'role_type'],
      [{ email: 'x@example.test' }, 'email'],
    ];
    for (const [body, attribute] of cases) {
      const res = await call(app, 'PATCH', url(inv.id), admin.token, body);
      t.equal(res.statusCode, 422, attribute);
      t.same(failedAttributes(res.json()), [attribute]);
    }
  });

  t.test('the owner role: only an owner grants it or changes an invitation that grants it', async (t) => {
    const inv = await inviteOk(app, owner.token, account, { role_type: 'admin' });
    t.equal((await call(app, 'PATCH', url(inv.id), admin.token, { role_type: 'owner' })).statusCode, 403);
    t.equal((await call(app, 'GET', url(inv.id), owner.token)).json().data.role_type, 'admin', 'unchanged');
    t.equal((await call(app, 'PATCH', url(inv.id), owner.token, { role_type: 'owner' })).statusCode, 200);
    const byAdmin = await call(app, 'PATCH', url(inv.id), admin.token, { role_type: 'normal' });
    t.equal(byAdmin.statusCode, 403);
    t.equal(byAdmin.json().error.code, 'access_denied');
  });

  t.test('DELETE cancels; a cancelled, accepted or declined invitation no longer changes', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const res = await call(app, 'DELETE', url(inv.id), admin.token);
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    t.equal((await call(app, 'GET', url(inv.id), admin.token)).json().data.status, 'cancelled');
    const again = await call(app, 'DELETE', url(inv.id), admin.token);
    t.equal(again.statusCode, 404, 'a second DELETE: the document declares a 404');
    t.equal(again.json().error.code, 'object_not_found');
    const patch = await call(app, 'PATCH', url(inv.id), admin.token, { has_billing: true });
    t.equal(patch.statusCode, 422);
    t.equal(patch.json().error.context.reason, 'cancelled');
    t.equal((await accept(app, inv.key, { password: 'Secret-pass-1' })).statusCode, 422, 'the link is dead');
  });

  t.test('an expired invitation can be cancelled but not changed', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    await ageInvitation(app.db, inv.id, 3600, 10);
    const patch = await call(app, 'PATCH', url(inv.id), admin.token, { has_billing: true });
    t.equal(patch.statusCode, 422);
    t.equal(patch.json().error.context.reason, 'expired');
    t.equal((await call(app, 'DELETE', url(inv.id), admin.token)).statusCode, 200);
  });

  t.test('a normal member may not read, change or cancel invitations', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const normal = await createMember(app.db, account, 'normal');
    t.equal((await call(app, 'GET', url(inv.id), normal.token)).statusCode, 403);
    t.equal((await call(app, 'PATCH', url(inv.id), normal.token, { has_billing: true })).statusCode, 403);
    t.equal((await call(app, 'DELETE', url(inv.id), normal.token)).statusCode, 403);
    t.equal((await call(app, 'GET', url(inv.id), owner.token)).json().data.status, 'pending');
  });
});

t.test("a user's invitations", async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const account = owner.accountId;
  const listUrl = (userId: number, query = '') => `/1/accounts/${account}/invitations/users/${userId}${query}`;

  // An existing user invited twice (once cancelled), and a member who came in by invitation.
  const invitee = await createUser(app.db);
  const first = await inviteOk(app, owner.token, account, { email: invitee.email, role_type: 'admin' });
  await call(app, 'DELETE', `/1/accounts/${account}/invitations/${first.id}`, owner.token);
  const second = await inviteOk(app, owner.token, account, { email: invitee.email.toUpperCase(), role_type: 'normal' });
  const joiner = await createUser(app.db);
  const joined = await inviteOk(app, owner.token, account, { email: joiner.email });
  t.equal((await accept(app, joined.key, undefined, joiner.token)).statusCode, 200);

  t.test('an administrator sees all of them, newest first, filtered by type', async (t) => {
    const res = await call(app, 'GET', listUrl(invitee.id), owner.token);
    t.equal(res.statusCode, 200);
    t.same(
      res.json().data.map((i: { id: number; status: string }) => [i.id, i.status]),
      [
        [second.id, 'pending'],
        [first.id, 'cancelled'],
      ],
    );
    t.same(
      (await call(app, 'GET', listUrl(invitee.id, '?type=admin'), owner.token))
        .json()
        .data.map((i: { id: number }) => i.id),
      [first.id],
    );
    t.same(
      (await call(app, 'GET', listUrl(invitee.id, '?filter[type]=normal'), owner.token))
        .json()
        .data.map((i: { id: number }) => i.id),
      [second.id],
    );
    t.same((await call(app, 'GET', listUrl(invitee.id, '?type=owner'), owner.token)).json().data, []);
    t.equal((await call(app, 'GET', listUrl(invitee.id, '?type=client'), owner.token)).statusCode, 422);
    const member = await call(app, 'GET', listUrl(joiner.id), owner.token);
    t.same(
      member.json().data.map((i: { id: number; status: string }) => [i.id, i.status]),
      [[joined.id, 'accepted']],
    );
  });

  t.test('the invited user sees their own, even before joining', async (t) => {
    const res = await call(app, 'GET', listUrl(invitee.id), invitee.token);
    t.equal(res.statusCode, 200);
    t.equal(res.json().data.length, 2);
  });

  // A user unrelated to the organisation, or none, is the isolation matrix's (test/modules/isolation.test.ts).
  t.test('a member without invitations has an empty list', async (t) => {
    t.same((await call(app, 'GET', listUrl(owner.id), owner.token)).json().data, []);
  });

  t.test("a normal member may see their own invitations, not another user's", async (t) => {
    t.equal((await call(app, 'GET', listUrl(joiner.id), joiner.token)).statusCode, 200);
    t.equal((await call(app, 'GET', listUrl(invitee.id), joiner.token)).statusCode, 403);
  });

  t.test('the address matching ignores case but not other addresses', async (t) => {
    const other = freshEmail();
    await inviteOk(app, owner.token, account, { email: other });
    const ids = (await call(app, 'GET', listUrl(invitee.id), owner.token))
      .json()
      .data.map((i: { email: string }) => i.email.toLowerCase());
    t.notOk(ids.includes(other));
  });
});
