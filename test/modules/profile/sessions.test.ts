import t from 'tap';
import { bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { authorize, authorizeUrl, Browser, pkce, REDIRECT, registerClient } from '../../factories/oauth.js';

// Sign-in sessions: listed with=security, ended one by one, and ended by a password change
// except those the user keeps.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

async function signedIn(u: TestUser, userAgent: string) {
  const client = await registerClient(app, u.token);
  const p = pkce();
  const query = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
  };
  const browser = new Browser(app, { 'user-agent': userAgent });
  await authorize(browser, u, query);
  // Signed in: the next authorization goes straight to consent.
  const stillIn = async () => (await browser.get(authorizeUrl(query))).body.includes('name="decision"');
  return { browser, stillIn };
}
const sessions = async (u: TestUser) =>
  (await app.inject({ method: 'GET', url: '/2/profile?with=security', headers: bearer(u.token) })).json().data
    .sessions as { id: number; browser: string; device: string; ip: string }[];

t.test('listed, and ended one at a time', async (t) => {
  const u = await createUser(app.db);
  const chrome = await signedIn(u, 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36');
  const firefox = await signedIn(u, 'Mozilla/5.0 (Windows NT 10.0; rv:130.0) Gecko/20100101 Firefox/130.0');
  const list = await sessions(u);
  t.same(list.map((s) => `${s.browser} on ${s.device}`).sort(), ['Chrome on Linux', 'Firefox on Windows']);
  t.ok(list.every((s) => s.ip === '127.0.0.1'));

  const ff = list.find((s) => s.browser === 'Firefox')!;
  const ended = await app.inject({ method: 'DELETE', url: `/2/profile/sessions/${ff.id}`, headers: bearer(u.token) });
  t.same(ended.json(), { result: 'success', data: true });
  t.notOk(await firefox.stillIn(), 'that browser must sign in again');
  t.ok(await chrome.stillIn(), 'the other stays signed in');
  t.same(
    (await sessions(u)).map((s) => s.browser),
    ['Chrome'],
    'no longer listed',
  );
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/2/profile/sessions/${ff.id}`, headers: bearer(u.token) })).statusCode,
    404,
    'already ended',
  );

  const other = await createUser(app.db);
  const chromeId = (await sessions(u))[0].id;
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/2/profile/sessions/${chromeId}`, headers: bearer(other.token) }))
      .statusCode,
    404,
    "someone else's session",
  );
  t.ok(await chrome.stillIn());
});

t.test('a password change ends the other sessions, except those kept', async (t) => {
  const u = await createUser(app.db);
  const keep = await signedIn(u, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15');
  const drop = await signedIn(u, 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36');
  const kept = (await sessions(u)).find((s) => s.browser === 'Safari')!;
  const res = await app.inject({
    method: 'PATCH',
    url: '/2/profile',
    headers: bearer(u.token),
    payload: { current_password: u.password, password: 'A-new-Passw0rd-for-the-test!', keep_session_ids: [kept.id] },
  });
  t.equal(res.statusCode, 200, res.body);
  t.ok(await keep.stillIn(), 'the kept session goes on');
  t.notOk(await drop.stillIn(), 'the other one ends');
});
