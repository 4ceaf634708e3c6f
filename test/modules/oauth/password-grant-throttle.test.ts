import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, needsPostgres, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import type { App } from '../../factories/organisations.js';
import {
  authorizeUrl,
  basic,
  Browser,
  csrfOf,
  pkce,
  REDIRECT,
  registerClient,
  tokenRequest,
} from '../../factories/oauth.js';

// The password grant of /token tries passwords too: its wrong ones count on the sign-in page's
// throttle (per account and per IP, the same counters), and a lock stops both alike.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const client = await registerClient(app, owner.token);
const auth = basic(client.client_id, client.client_secret!);
const url = authorizeUrl({
  response_type: 'code',
  client_id: client.client_id,
  redirect_uri: REDIRECT,
  code_challenge: pkce().challenge,
  code_challenge_method: 'S256',
});

async function withAppPassword(): Promise<TestUser & { appPassword: string }> {
  const u = await createUser(app.db);
  const res = await app.inject({
    method: 'POST',
    url: '/2/profile/applications/passwords',
    headers: bearer(u.token),
    payload: { name: 'script' },
  });
  return { ...u, appPassword: res.json().data.password };
}
const grant = (user: Pick<TestUser, 'email'>, password: string, on: App = app) =>
  tokenRequest(on, { grant_type: 'password', username: user.email, password }, auth);
async function onPage(user: Pick<TestUser, 'email'>, password: string, on: App = app) {
  const browser = new Browser(on);
  const page = await browser.get(url);
  return browser.post(url, { step: 'sign_in', csrf: csrfOf(page.body), email: user.email, password });
}
const wrongPasswordNotices = async (user: TestUser) =>
  (
    await app.inject({
      method: 'GET',
      url: `/_mirror/outbox?user_id=${user.id}&kind=security_wrong_password`,
      headers: bearer(ADMIN_TOKEN),
    })
  ).json().data.length;
const clock = (body: object) =>
  app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: body });

t.test("40 wrong application passwords: the account's limit locks it, the rest are refused unchecked", async (t) => {
  const u = await withAppPassword(); // a new user's limit: 5 wrong passwords in a row
  const answers: number[] = [];
  for (let i = 0; i < 40; i++) answers.push((await grant(u, `wrong-${i}`)).statusCode);
  t.same(answers.slice(0, 4), Array(4).fill(400), 'four wrong passwords: invalid_grant');
  t.same(answers.slice(4), Array(36).fill(429), 'the fifth in a row locks, as on the page');
  t.equal(await wrongPasswordNotices(u), 5, 'only the five before the lock were checked (each leaves a notice)');

  const right = await grant(u, u.appPassword);
  t.equal(right.statusCode, 429, 'the right application password is refused while locked');
  t.same(Object.keys(right.json()).sort(), ['error', 'error_description'], 'in the RFC 6749 shape');
  t.match(right.json(), {
    error: 'invalid_grant',
    error_description: /Too many wrong passwords for this account: sign-in is refused until \d\d:\d\d UTC/,
  });
  t.ok(
    Number(right.headers['retry-after']) > 0 && Number(right.headers['retry-after']) <= 15 * 60,
    'Retry-After: the rest of the lock',
  );
  t.equal(right.headers['cache-control'], 'no-store');
  t.equal((await onPage(u, u.password)).statusCode, 429, 'the page is locked too');

  await clock({ advance: '16m' });
  t.equal((await grant(u, u.appPassword)).statusCode, 200, 'once the lock lifts, the right application password works');
  await clock({ reset: true });
});

t.test(
  "40 wrong passwords at once: only the account's five tries are checked, the rest refused unchecked",
  needsPostgres('wrong passwords checked side by side'),
  async (t) => {
    const u = await withAppPassword();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? grant(u, `wrong-${i}`) : onPage(u, `wrong-${i}`))),
    );
    const checked = answers.filter((a) => a.statusCode !== 429).length;
    t.equal(await wrongPasswordNotices(u), 5, 'five passwords were checked (each leaves a notice)');
    t.equal(checked, 4, 'four answered wrong password; the fifth locked the account');
    t.equal((await grant(u, u.appPassword)).statusCode, 429, 'and the account is locked');
  },
);

t.test("the page and the grant share the account's count; a success on either resets it", async (t) => {
  const u = await withAppPassword();
  await app.db
    .updateTable('users')
    .set({ unsuccessful_connexion_limit: true, unsuccessful_connexion_rate_limit: 3 })
    .where('id', '=', u.id)
    .execute();
  t.equal((await grant(u, 'wrong-1')).statusCode, 400);
  t.equal((await onPage(u, 'wrong-2')).statusCode, 401);
  t.equal((await grant(u, u.appPassword)).statusCode, 200, 'a right application password resets the count');
  t.equal((await onPage(u, 'wrong-3')).statusCode, 401);
  t.equal((await grant(u, 'wrong-4')).statusCode, 400, 'two in a row since the reset: not locked yet');
  const third = await onPage(u, 'wrong-5');
  t.equal(third.statusCode, 429, "the page's wrong password is the third in a row: locked");
  t.match(third.body, /sign-in is refused until/);
  t.match(
    (await grant(u, u.appPassword)).json(),
    { error: 'invalid_grant', error_description: /refused until/ },
    "the grant is locked by the page's count",
  );
});

t.test('per IP: wrong passwords on the grant throttle the page and the grant, whatever the accounts', async (t) => {
  const fresh = await buildTestApp(t, { database }); // its own rate-limit store: the IP's count starts from nothing
  const answers: number[] = [];
  for (let i = 0; i < 30; i++)
    answers.push((await grant({ email: `nobody-${i}@example.test` }, 'wrong', fresh)).statusCode);
  t.same(answers, Array(30).fill(400), 'thirty wrong guesses, on no account');
  const throttled = await grant(owner, 'anything', fresh);
  t.equal(throttled.statusCode, 429);
  t.match(throttled.json(), {
    error: 'invalid_grant',
    error_description: /Too many wrong passwords from your network/,
  });
  t.ok(Number(throttled.headers['retry-after']) > 0);
  t.equal((await onPage(owner, owner.password, fresh)).statusCode, 429, "the page counts the grant's wrong passwords");
});
