import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { authorizeUrl, Browser, csrfOf, pkce, REDIRECT, registerClient } from '../../factories/oauth.js';

// The sign-in page: wrong passwords are told apart from nothing, noticed by e-mail, and
// throttled per account (the user's own limit) and per IP; a new place or device is noticed.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const client = await registerClient(app, owner.token);
const url = authorizeUrl({
  response_type: 'code',
  client_id: client.client_id,
  redirect_uri: REDIRECT,
  code_challenge: pkce().challenge,
  code_challenge_method: 'S256',
});

async function attempt(user: Pick<TestUser, 'email'>, password: string, browser = new Browser(app)) {
  const page = await browser.get(url);
  return browser.post(url, { step: 'sign_in', csrf: csrfOf(page.body), email: user.email, password });
}
const notices = async (user: TestUser, kind: string) =>
  (
    await app.inject({
      method: 'GET',
      url: `/_mirror/outbox?user_id=${user.id}&kind=${kind}`,
      headers: bearer(ADMIN_TOKEN),
    })
  ).json().data as { body: string }[];

t.test('a wrong password: 401 on the page, a security notice, unless switched off', async (t) => {
  const u = await createUser(app.db);
  const res = await attempt(u, 'not-the-password');
  t.equal(res.statusCode, 401);
  t.match(res.body, /Wrong e-mail address or password\./);
  t.match(res.body, new RegExp(`value="${u.email}"`), 'the e-mail stays filled in');
  t.notOk(String(res.headers['set-cookie'] ?? '').includes('ikm_session'));
  const [notice] = await notices(u, 'security_wrong_password');
  t.match(notice, { body: /wrong password/ });

  const unknown = await attempt({ email: 'nobody@example.test' }, 'x');
  t.equal(unknown.statusCode, 401, 'an unknown address reads the same');
  t.match(unknown.body, /Wrong e-mail address or password\./);

  await app.db
    .updateTable('users')
    .set({ unsuccessful_connexion_notification: false })
    .where('id', '=', u.id)
    .execute();
  await attempt(u, 'again-wrong');
  t.equal((await notices(u, 'security_wrong_password')).length, 1, 'switched off: no new notice');
});

t.test("after the account's limit of wrong passwords in a row, sign-in is refused for a while", async (t) => {
  const u = await createUser(app.db);
  await app.db
    .updateTable('users')
    .set({ unsuccessful_connexion_limit: true, unsuccessful_connexion_rate_limit: 3 })
    .where('id', '=', u.id)
    .execute();
  t.equal((await attempt(u, 'wrong-1')).statusCode, 401);
  t.equal((await attempt(u, u.password)).statusCode, 303, 'a good password resets the count');
  for (const n of [1, 2]) t.equal((await attempt(u, `wrong-${n}`)).statusCode, 401);
  const third = await attempt(u, 'wrong-3');
  t.equal(third.statusCode, 429, 'the third in a row locks');
  t.match(third.body, /sign-in is refused until/);
  const right = await attempt(u, u.password);
  t.equal(right.statusCode, 429, 'even the right password, while it lasts');
  const lockNotice = (await notices(u, 'security_wrong_password'))[0];
  t.match(lockNotice.body, /sign-in is refused until/);

  const clock = (body: object) =>
    app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: body });
  await clock({ advance: '16m' });
  t.equal((await attempt(u, u.password)).statusCode, 303, 'once it lifts, the right password works');
  await clock({ reset: true });
});

t.test('per IP: too many wrong passwords from one address are throttled, whatever the accounts', async (t) => {
  const ip = await buildTestApp(t, { database });
  // A second instance: its own rate-limit store, so the count starts from nothing.
  const browserFrom = () => new Browser(ip, { 'user-agent': 'curl/8.0' });
  let last = 0;
  for (let i = 0; i < 31; i++) {
    const victim = await createUser(ip.db);
    const browser = browserFrom();
    const page = await browser.get(url);
    last = (
      await browser.post(url, { step: 'sign_in', csrf: csrfOf(page.body), email: victim.email, password: 'wrong' })
    ).statusCode;
    if (last === 429) break;
  }
  t.equal(last, 429, 'throttled before a 31st guess');
});

t.test('a sign-in from a new network or a new device is noticed; a known one is not', async (t) => {
  const u = await createUser(app.db);
  t.equal((await attempt(u, u.password)).statusCode, 303);
  t.equal((await notices(u, 'security_new_sign_in')).length, 1, 'the first sign-in is from a new place');
  t.equal((await attempt(u, u.password)).statusCode, 303);
  t.equal((await notices(u, 'security_new_sign_in')).length, 1, 'same place, same browser: no notice');
  const firefox = new Browser(app, {
    'user-agent': 'Mozilla/5.0 (Windows NT 10.0; rv:130.0) Gecko/20100101 Firefox/130.0',
  });
  t.equal((await attempt(u, u.password, firefox)).statusCode, 303);
  const [latest] = await notices(u, 'security_new_sign_in');
  t.match(latest, { body: /Firefox on Windows, a device not seen before/ });
  await app.db.updateTable('users').set({ successful_connexion_notification: false }).where('id', '=', u.id).execute();
  const safari = new Browser(app, { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15' });
  await attempt(u, u.password, safari);
  t.equal((await notices(u, 'security_new_sign_in')).length, 2, 'switched off: no notice');
});
