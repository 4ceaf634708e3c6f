import t from 'tap';
import type { App } from '../../../src/app.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { buildTestApp, call } from '../../helper.js';
import { watchStatements } from '../../statements.js';

// The console's guarantees that no browser test shows: its bearer cannot be presented from
// outside, its pages need a session, its forms a token of that session, a sign-in goes on
// only to a console page, what it prints is escaped, and its calls are not the API's to count.

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const cookieOf = (header: unknown) => String(Array.isArray(header) ? header[0] : header).split(';')[0];

/** Signs in through the console's own form; answers the session cookie. */
async function signIn(app: App, user: TestUser, next = '/manager'): Promise<{ cookie: string; location: string }> {
  const page = await app.inject({ method: 'GET', url: '/manager/sign-in' });
  const pre = cookieOf(page.headers['set-cookie']);
  const form = new URLSearchParams({ csrf: csrfOf(page.body), email: user.email, password: user.password, next });
  const res = await app.inject({
    method: 'POST',
    url: '/manager/sign-in',
    headers: { ...FORM, cookie: pre },
    payload: form.toString(),
  });
  return { cookie: cookieOf(res.headers['set-cookie']), location: String(res.headers.location) };
}

t.test('a console bearer from outside is one more invalid token', async (t) => {
  const app = await buildTestApp(t);
  const user = await createUser(app.db);
  const { cookie } = await signIn(app, user);
  const session = cookie.split('=')[1];
  for (const bearer of [`ikmconsole_${'x'.repeat(32)}.${session}`, 'ikmconsole_', `ikmconsole_.${session}`]) {
    const res = await call(app, bearer, 'GET', '/2/profile');
    t.equal(res.statusCode, 401, `${bearer.slice(0, 14)}…: 401`);
    t.equal(res.json().error.code, 'not_authorized', 'in the envelope');
  }
  const raw = await call(app, session, 'GET', '/2/profile');
  t.equal(raw.statusCode, 401, "the session's secret itself is no token either");
});

t.test('pages need a session; forms need its token', async (t) => {
  const app = await buildTestApp(t);
  const user = await createUser(app.db);
  const away = await app.inject({ method: 'GET', url: '/manager/profile' });
  t.equal(away.statusCode, 303, 'signed out: sent away');
  t.equal(away.headers.location, '/manager/sign-in?next=%2Fmanager%2Fprofile', 'to sign in, then back');

  const { cookie } = await signIn(app, user);
  const forged = await app.inject({
    method: 'POST',
    url: '/manager/profile',
    headers: { ...FORM, cookie },
    payload: new URLSearchParams({ csrf: 'made-up', language_id: '1', country_id: '1', timezone_id: '1' }).toString(),
  });
  t.equal(forged.statusCode, 200, 'a page');
  t.match(forged.body, 'The form expired', 'which says the form is not valid');
  const profile = await call(app, user.token, 'GET', '/2/profile');
  t.equal(profile.json().data.preferences.language.id, 2, 'and nothing changed');
});

t.test('a sign-in goes on only to a console page', async (t) => {
  const app = await buildTestApp(t);
  const user = await createUser(app.db);
  t.equal((await signIn(app, user, '/manager/profile')).location, '/manager/profile', 'a console page: there');
  for (const next of ['https://elsewhere.test/', '//elsewhere.test/manager', '/2/profile', '/managerial'])
    t.equal((await signIn(app, user, next)).location, '/manager', `${next}: home instead`);
});

t.test('what a page prints is escaped', async (t) => {
  const app = await buildTestApp(t);
  const user = await createUser(app.db);
  await call(app, user.token, 'PATCH', '/1/accounts/' + user.accountId, { name: '<img src=x onerror=alert(1)>' });
  const { cookie } = await signIn(app, user);
  const home = await app.inject({ method: 'GET', url: '/manager', headers: { cookie } });
  t.notMatch(home.body, '<img src=x', 'no markup from the data');
  t.match(home.body, '&lt;img src=x onerror=alert(1)&gt;', 'the name shown as text');
  t.match(String(home.headers['content-security-policy']), "default-src 'none'", 'and no script could run anyway');
});

t.test("the console's calls are not counted by the API's limit", async (t) => {
  const app = await buildTestApp(t, { config: { RATE_LIMIT_MAX: 2 } });
  const user = await createUser(app.db);
  const { cookie } = await signIn(app, user);
  for (let i = 0; i < 4; i++) {
    const page = await app.inject({ method: 'GET', url: '/manager/profile', headers: { cookie } });
    t.equal(page.statusCode, 200, `page ${i + 1}: shown (each makes two API calls)`);
  }
  const api = [];
  for (let i = 0; i < 3; i++) api.push((await call(app, user.token, 'GET', '/2/profile')).statusCode);
  t.same(api, [200, 200, 429], "the user's token still has its own limit");
});

t.test("a page notes the session's last access once, whatever the calls it makes", async (t) => {
  const app = await buildTestApp(t);
  const user = await createUser(app.db);
  const { cookie } = await signIn(app, user);
  const touches: string[] = [];
  watchStatements(t, app, (sql) => {
    if (/update\s+"user_sessions"/i.test(sql)) touches.push(sql);
  });
  const page = await app.inject({ method: 'GET', url: '/manager/profile', headers: { cookie } });
  t.equal(page.statusCode, 200, 'the profile page (it calls the API twice)');
  t.equal(touches.length, 1, 'one write of last_accessed_at');
});
