import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, call as send, type Method, testDatabase } from '../../helper.js';
import { createToken, createUser, type TestUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';

// Support access: one kind at a time, 7 days on the mirror's clock, closed at once on demand,
// shown closed with when and why; support staff see the open grants and nothing else.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const DAY = 86_400;

const call = (u: TestUser | string, method: Method, url: string) =>
  send(app, typeof u === 'string' ? u : u.token, method, url);
const state = async (u: TestUser) =>
  (await call(u, 'GET', '/2/profile/support_access')).json().data as {
    support_code: string;
    access: {
      kind: string;
      status: string;
      granted_at: number | null;
      expires_at: number | null;
      closed_at: number | null;
      closed_reason: string | null;
    }[];
  };
const kindOf = async (u: TestUser, kind: string) => (await state(u)).access.find((a) => a.kind === kind)!;
const clock = (body: object) =>
  app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: body });
const now = async () =>
  (await app.inject({ method: 'GET', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN) })).json().data.now as number;

t.afterEach(async () => {
  await clock({ reset: true });
});

t.test('nothing granted to begin with; a stable support code', async (t) => {
  const u = await createUser(app.db);
  const s = await state(u);
  t.match(s.support_code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  t.same(
    s.access.map((a) => [a.kind, a.status]),
    [
      ['mail', 'never'],
      ['kdrive', 'never'],
      ['kchat', 'never'],
    ],
  );
  t.equal((await state(u)).support_code, s.support_code, 'the same code every time');
});

t.test('granting one kind grants that kind alone, for 7 days', async (t) => {
  const u = await createUser(app.db);
  const at = await now();
  const res = await call(u, 'PUT', '/2/profile/support_access/kdrive');
  t.equal(res.statusCode, 200);
  t.match(res.json().data, { kind: 'kdrive', status: 'open', closed_at: null, closed_reason: null });
  t.ok(Math.abs(res.json().data.expires_at - (at + 7 * DAY)) <= 2, 'closes 7 days after');
  const s = await state(u);
  t.same(
    s.access.map((a) => [a.kind, a.status]),
    [
      ['mail', 'never'],
      ['kdrive', 'open'],
      ['kchat', 'never'],
    ],
    'the others stay closed',
  );
  const again = await call(u, 'PUT', '/2/profile/support_access/kdrive');
  t.equal(again.json().data.granted_at, res.json().data.granted_at, 'granting an open grant keeps it as it is');
  t.equal((await app.db.selectFrom('support_grants').select('id').where('user_id', '=', u.id).execute()).length, 1);
});

t.test('the 7-day expiry on a moved clock', async (t) => {
  const u = await createUser(app.db);
  const granted = (await call(u, 'PUT', '/2/profile/support_access/mail')).json().data;
  await clock({ now: granted.expires_at - 60 });
  t.equal((await kindOf(u, 'mail')).status, 'open', 'still open a minute before');
  await clock({ now: granted.expires_at + 60 });
  t.match(await kindOf(u, 'mail'), {
    status: 'closed',
    closed_reason: 'expired',
    closed_at: granted.expires_at,
    granted_at: granted.granted_at,
  });
  const regranted = (await call(u, 'PUT', '/2/profile/support_access/mail')).json().data;
  t.equal(regranted.status, 'open', 'a new grant after expiry');
  t.ok(regranted.granted_at > granted.granted_at);
});

t.test('revoking closes at once, that kind only', async (t) => {
  const u = await createUser(app.db);
  await call(u, 'PUT', '/2/profile/support_access/mail');
  await call(u, 'PUT', '/2/profile/support_access/kchat');
  const at = await now();
  const res = await call(u, 'DELETE', '/2/profile/support_access/mail');
  t.equal(res.statusCode, 200);
  t.match(res.json().data, { kind: 'mail', status: 'closed', closed_reason: 'revoked' });
  t.ok(Math.abs(res.json().data.closed_at - at) <= 2);
  t.equal((await kindOf(u, 'kchat')).status, 'open', 'kchat stays open');
  t.match(
    (await call(u, 'DELETE', '/2/profile/support_access/kdrive')).json().data,
    { status: 'never' },
    'revoking nothing is harmless',
  );
  t.same(failedAttributes((await call(u, 'PUT', '/2/profile/support_access/calendar')).json()), ['kind']);
  const noScope = await createToken(app.db, u.id, ['accounts']);
  t.equal((await call(noScope.secret, 'GET', '/2/profile/support_access')).statusCode, 403);
});

t.test('support staff list the grants open to them, and nothing else', async (t) => {
  const staff = await createUser(app.db);
  await app.db.updateTable('users').set({ is_staff: true }).where('id', '=', staff.id).execute();
  const a = await createUser(app.db);
  const b = await createUser(app.db);
  await call(a, 'PUT', '/2/profile/support_access/mail');
  await call(b, 'PUT', '/2/profile/support_access/kdrive');
  await call(b, 'PUT', '/2/profile/support_access/kchat');
  await call(b, 'DELETE', '/2/profile/support_access/kchat');
  const codeOf = async (u: TestUser) => (await state(u)).support_code;

  const listed = (await call(staff, 'GET', '/1/support/access_grants')).json().data as {
    user_id: number;
    kind: string;
    support_code: string;
  }[];
  const mine = listed.filter((g) => [a.id, b.id].includes(g.user_id));
  t.same(
    mine.map((g) => [g.user_id, g.kind]).sort(),
    [
      [a.id, 'mail'],
      [b.id, 'kdrive'],
    ],
    'open grants only: not the revoked one',
  );
  t.equal(mine.find((g) => g.user_id === a.id)!.support_code, await codeOf(a));
  const byCode = (
    await call(staff, 'GET', `/1/support/access_grants?support_code=${(await codeOf(b)).toLowerCase()}`)
  ).json().data;
  t.same(
    byCode.map((g: { kind: string }) => g.kind),
    ['kdrive'],
    'found by the code the user gives',
  );

  const refused = await call(a, 'GET', '/1/support/access_grants');
  t.equal(refused.statusCode, 403, 'not staff');
  t.equal(refused.json().error.code, 'access_denied');
  t.equal(
    (await call(staff, 'GET', `/2/accounts/${a.accountId}/users`)).statusCode,
    404,
    'staff see no organisation they are not in',
  );

  await clock({ advance: '8d' });
  const later = (await call(staff, 'GET', '/1/support/access_grants'))
    .json()
    .data.filter((g: { user_id: number }) => [a.id, b.id].includes(g.user_id));
  t.same(later, [], 'expired grants are no longer open to them');
});
