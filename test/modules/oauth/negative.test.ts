import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import {
  authorize,
  authorizeUrl,
  basic,
  Browser,
  csrfOf,
  pkce,
  REDIRECT,
  registerClient,
  tokenRequest,
} from '../../factories/oauth.js';

// Every point of the OAuth 2.0 Security BCP (RFC 9700) that applies to this server, refused.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const client = await registerClient(app, owner.token);
const other = await registerClient(app, owner.token, {
  name: 'Other',
  redirect_uris: ['https://other.example.test/cb'],
});
const auth = basic(client.client_id, client.client_secret!);

function request(extra: Record<string, string | undefined> = {}) {
  const p = pkce();
  return {
    p,
    query: {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      state: 's1',
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      scope: 'user_info',
      ...extra,
    },
  };
}
const exchange = (code: string, verifier: string, extra: Record<string, string> = {}, headers = auth) =>
  tokenRequest(
    app,
    { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, ...extra },
    headers,
  );
async function codeFor(extra: Record<string, string | undefined> = {}) {
  const r = request(extra);
  const back = await authorize(new Browser(app), owner, r.query);
  return { code: back.get('code')!, verifier: r.p.verifier };
}

t.test('redirect URI: an exact registered match, else an error page and never a redirect', async (t) => {
  for (const uri of [
    `${REDIRECT}/extra`,
    `${REDIRECT}?x=1`,
    'http://127.0.0.1:4999/CALLBACK',
    'https://evil.example.test/callback',
    undefined,
  ]) {
    const res = await new Browser(app).get(authorizeUrl(request({ redirect_uri: uri }).query));
    t.equal(res.statusCode, 400, `redirect_uri ${uri}`);
    t.notOk(res.headers.location, 'not redirected');
    t.match(res.body, /not one the application registered/);
  }
  const unknown = await new Browser(app).get(authorizeUrl(request({ client_id: 'ikmc_nobody' }).query));
  t.equal(unknown.statusCode, 400);
  t.match(unknown.body, /unknown/);
  const another = await new Browser(app).get(authorizeUrl(request({ redirect_uri: other.redirect_uris[0] }).query));
  t.equal(another.statusCode, 400, "another client's redirect URI");
});

t.test('PKCE is mandatory and S256 only', async (t) => {
  for (const [label, extra] of [
    ['no code_challenge', { code_challenge: undefined }],
    ['plain method', { code_challenge_method: 'plain' }],
    ['no method', { code_challenge_method: undefined }],
    ['a challenge that is no SHA-256', { code_challenge: 'short' }],
  ] as const) {
    const res = await new Browser(app).get(authorizeUrl(request(extra).query));
    t.equal(res.statusCode, 303, label);
    const back = new URL(res.headers.location as string);
    t.equal(back.searchParams.get('error'), 'invalid_request', label);
    t.equal(back.searchParams.get('state'), 's1');
    t.ok(back.searchParams.get('iss'));
  }
  const noType = new URL(
    (await new Browser(app).get(authorizeUrl(request({ response_type: 'token' }).query))).headers.location as string,
  );
  t.equal(noType.searchParams.get('error'), 'unsupported_response_type', 'no implicit flow');
  const { code } = await codeFor();
  const missing = await tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, auth);
  t.match(missing.json(), { error: 'invalid_request', error_description: /code_verifier/ });
});

t.test('a wrong code_verifier is invalid_grant, and spends the code', async (t) => {
  const { code, verifier } = await codeFor();
  const res = await exchange(code, pkce().verifier);
  t.equal(res.statusCode, 400);
  t.match(res.json(), { error: 'invalid_grant', error_description: /code_verifier/ });
  const right = await exchange(code, verifier);
  t.equal(right.statusCode, 400, 'the right verifier comes too late: one guess per code');
  t.match(right.json(), { error: 'invalid_grant', error_description: /already used/ });
});

t.test('a code serves once; its replay revokes what it issued', async (t) => {
  const { code, verifier } = await codeFor({ access_type: 'offline' });
  const first = await exchange(code, verifier);
  t.equal(first.statusCode, 200);
  const replay = await exchange(code, verifier);
  t.match(replay.json(), { error: 'invalid_grant', error_description: /already used/ });
  t.equal(
    (await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(first.json().access_token) })).statusCode,
    401,
    'the access token is revoked',
  );
  const refresh = await tokenRequest(
    app,
    { grant_type: 'refresh_token', refresh_token: first.json().refresh_token },
    auth,
  );
  t.match(refresh.json(), { error: 'invalid_grant' }, 'and the refresh token');
});

t.test('a code is bound to its client and its redirect URI, and lives 60 seconds', async (t) => {
  const stolen = await codeFor();
  t.match(
    (await exchange(stolen.code, stolen.verifier, {}, basic(other.client_id, other.client_secret!))).json(),
    { error: 'invalid_grant', error_description: 'Unknown authorization code' },
    'another client',
  );
  t.match(
    (await exchange(stolen.code, stolen.verifier)).json(),
    { error: 'invalid_grant', error_description: /already used/ },
    'a code another client presented is spent',
  );
  const moved = await codeFor();
  t.match(
    (await exchange(moved.code, moved.verifier, { redirect_uri: 'http://127.0.0.1:4999/other' })).json(),
    { error: 'invalid_grant' },
    'another redirect_uri',
  );
  t.match(
    (await exchange(moved.code, moved.verifier)).json(),
    { error: 'invalid_grant', error_description: /already used/ },
    'and spent by it',
  );

  const late = await codeFor();
  const clock = (body: object) =>
    app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: body });
  t.equal((await clock({ advance: 61 })).statusCode, 200);
  t.match(
    (await exchange(late.code, late.verifier)).json(),
    { error: 'invalid_grant', error_description: /expired/ },
    'expired after 60 s',
  );
  await clock({ reset: true });
});

t.test('refresh tokens rotate; reusing a spent one revokes the whole family', async (t) => {
  const { code, verifier } = await codeFor({ access_type: 'offline', scope: 'user_info accounts' });
  const first = (await exchange(code, verifier)).json();
  const second = await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, auth);
  t.equal(second.statusCode, 200);
  t.not(second.json().refresh_token, first.refresh_token, 'a new refresh token');
  t.equal(second.json().scope, 'user_info accounts');

  const narrower = await tokenRequest(
    app,
    { grant_type: 'refresh_token', refresh_token: second.json().refresh_token, scope: 'user_info' },
    auth,
  );
  t.equal(narrower.json().scope, 'user_info', 'a narrower scope may be asked');
  const third = narrower.json();

  const reuse = await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, auth);
  t.match(reuse.json(), { error: 'invalid_grant', error_description: /already used/ });
  for (const token of [first.access_token, second.json().access_token, third.access_token]) {
    t.equal(
      (await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(token) })).statusCode,
      401,
      'every access token of the family is revoked',
    );
  }
  t.match(
    (await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: third.refresh_token }, auth)).json(),
    { error: 'invalid_grant' },
    'and the newest refresh token',
  );
});

t.test('scope escalation is refused', async (t) => {
  const unknown = new URL(
    (await new Browser(app).get(authorizeUrl(request({ scope: 'user_info admin' }).query))).headers.location as string,
  );
  t.equal(unknown.searchParams.get('error'), 'invalid_scope');
  const { code, verifier } = await codeFor({ access_type: 'offline', scope: 'user_info' });
  const tokens = (await exchange(code, verifier)).json();
  const wider = await tokenRequest(
    app,
    { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'user_info billing' },
    auth,
  );
  t.match(wider.json(), { error: 'invalid_scope' });
  const still = await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth);
  t.equal(still.statusCode, 200, 'the refused attempt did not spend the refresh token');
  t.equal(
    (await app.inject({ method: 'GET', url: '/1/accounts', headers: bearer(still.json().access_token) })).statusCode,
    403,
    'no accounts scope was gained',
  );
});

t.test('client authentication and request errors in the RFC 6749 shape', async (t) => {
  const wrong = await tokenRequest(
    app,
    { grant_type: 'client_credentials' },
    basic(client.client_id, 'not-the-secret'),
  );
  t.equal(wrong.statusCode, 401);
  t.match(wrong.json(), { error: 'invalid_client' });
  t.match(wrong.headers['www-authenticate'], /^Basic/);
  const none = await tokenRequest(app, { grant_type: 'client_credentials' });
  t.equal(none.statusCode, 401);
  t.same(Object.keys(none.json()).sort(), ['error', 'error_description']);
  const nobody = await tokenRequest(app, {
    grant_type: 'client_credentials',
    client_id: 'ikmc_nobody',
    client_secret: 'x',
  });
  t.match(nobody.json(), { error: 'invalid_client' });
  t.match((await tokenRequest(app, { grant_type: 'implicit' }, auth)).json(), { error: 'unsupported_grant_type' });
  t.match((await tokenRequest(app, {}, auth)).json(), { error: 'invalid_request' });
  const twice = await app.inject({
    method: 'POST',
    url: '/token',
    payload: 'grant_type=client_credentials&grant_type=password',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
  });
  t.match(twice.json(), { error: 'invalid_request', error_description: /more than once/ });
  const json = await app.inject({
    method: 'POST',
    url: '/token',
    payload: { grant_type: 'client_credentials' },
    headers: auth,
  });
  t.equal(json.statusCode, 400);
  t.match(json.json(), { error: 'invalid_request' }, 'a JSON body is not a form');
  t.match(
    (
      await tokenRequest(
        app,
        { grant_type: 'authorization_code', code: 'nope', code_verifier: 'x'.repeat(43), redirect_uri: REDIRECT },
        auth,
      )
    ).json(),
    { error: 'invalid_grant' },
  );
  t.match((await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: 'ikmr_nope' }, auth)).json(), {
    error: 'invalid_grant',
  });
});

t.test('CSRF: the forms need their token', async (t) => {
  const r = request();
  const url = authorizeUrl(r.query);
  const browser = new Browser(app);
  await browser.get(url);
  const forged = await browser.post(url, {
    step: 'sign_in',
    csrf: 'forged-token-value-forged-token-value',
    email: owner.email,
    password: owner.password,
  });
  t.equal(forged.statusCode, 403, "sign-in without the page's token");
  t.notOk(String(forged.headers['set-cookie'] ?? '').includes('ikm_session'), 'no session');
  const stranger = new Browser(app);
  const noCookie = await stranger.post(url, {
    step: 'sign_in',
    csrf: 'x',
    email: owner.email,
    password: owner.password,
  });
  t.equal(noCookie.statusCode, 403, 'a cross-site post carries no CSRF cookie');

  const signedIn = new Browser(app);
  await authorize(signedIn, owner, request().query);
  const consent = await signedIn.post(url, { step: 'consent', csrf: 'forged', decision: 'allow' });
  t.equal(consent.statusCode, 403, "consent without the session's token");
  t.notOk(consent.headers.location);
  t.equal((await signedIn.post(url, { step: 'nonsense' })).statusCode, 400);
});

t.test(
  "CSRF: the sign-in token is the server's HMAC of the browser's pre-session, never a value the client picks",
  async (t) => {
    const url = authorizeUrl(request().query);
    const signIn = (browser: Browser, csrf: string) =>
      browser.post(url, { step: 'sign_in', csrf, email: owner.email, password: owner.password });
    const madeUp = 'made-up-by-the-client-made-up-by-the-client';
    const planted = new Browser(app);
    planted.cookies.set('ikm_csrf', madeUp);
    const forged = await signIn(planted, madeUp);
    t.equal(forged.statusCode, 403, 'cookie and field agree, but the server never signed them');
    t.notOk(String(forged.headers['set-cookie'] ?? '').includes('ikm_session'), 'no session');

    const browser = new Browser(app);
    const token = csrfOf((await browser.get(url)).body);
    t.not(token, browser.cookies.get('ikm_csrf'), "the page's token is not its cookie");
    t.equal(
      (await signIn(browser, browser.cookies.get('ikm_csrf')!)).statusCode,
      403,
      'the cookie echoed in the form is refused',
    );
    const another = new Browser(app);
    await another.get(url);
    t.equal((await signIn(another, token)).statusCode, 403, 'a token is bound to the pre-session it was made for');
    t.equal((await signIn(browser, token)).statusCode, 303, "the page's own token signs in");
  },
);

t.test('over https the cookies are __Host- ones: Secure, Path=/, no Domain', async (t) => {
  const https = await buildTestApp(t, { database, config: { PUBLIC_URL: 'https://mirror.example.test' } });
  const browser = new Browser(https);
  const query = request().query;
  const page = await browser.get(authorizeUrl(query));
  const csrfCookie = String(page.headers['set-cookie']);
  t.match(csrfCookie, /^__Host-ikm_csrf=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/, 'the pre-session cookie');
  const signed = await browser.post(authorizeUrl(query), {
    step: 'sign_in',
    csrf: csrfOf(page.body),
    email: owner.email,
    password: owner.password,
  });
  t.equal(signed.statusCode, 303);
  const sessionCookie = String(signed.headers['set-cookie']);
  t.match(
    sessionCookie,
    /^__Host-ikm_session=ikmsess_[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    'the session cookie',
  );
  t.notMatch(`${csrfCookie}${sessionCookie}`, /Domain=/i);

  const plain = new Browser(https);
  plain.cookies.set('ikm_session', browser.cookies.get('__Host-ikm_session')!);
  t.match(
    (await plain.get(authorizeUrl(query))).body,
    /name="password"/,
    'a cookie without the prefix is not the session over https',
  );
  const back = await authorize(browser, owner, query);
  t.ok(back.get('code'), 'the flow runs on the __Host- cookies');
  t.equal(back.get('iss'), 'https://mirror.example.test');
});
