import t from 'tap';
import { bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { authorize, basic, Browser, pkce, REDIRECT, registerClient, tokenRequest } from '../../factories/oauth.js';

// RFC 7009 revocation and RFC 7662 introspection, and the upstream bearer routes of the login host.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const client = await registerClient(app, owner.token);
const other = await registerClient(app, owner.token, { name: 'Other' });
const auth = basic(client.client_id, client.client_secret!);

async function tokens() {
  const p = pkce();
  const back = await authorize(new Browser(app), owner, {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    scope: 'user_info',
    access_type: 'offline',
  });
  return (
    await tokenRequest(
      app,
      { grant_type: 'authorization_code', code: back.get('code')!, code_verifier: p.verifier, redirect_uri: REDIRECT },
      auth,
    )
  ).json();
}
const post = (path: string, form: Record<string, string>, headers: Record<string, string> = auth) =>
  app.inject({
    method: 'POST',
    url: path,
    payload: new URLSearchParams(form).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

t.test('introspection: active tokens described, others inactive', async (t) => {
  const tk = await tokens();
  const access = (await post('/token/introspect', { token: tk.access_token })).json();
  t.match(access, {
    active: true,
    token_type: 'Bearer',
    scope: 'user_info',
    client_id: client.client_id,
    sub: String(owner.id),
    username: owner.email,
  });
  t.ok(access.exp - access.iat === 7200);
  t.match((await post('/token/introspect', { token: tk.refresh_token })).json(), {
    active: true,
    token_type: 'refresh_token',
  });
  t.same((await post('/token/introspect', { token: 'ikm_nothing' })).json(), { active: false });
  t.same(
    (await post('/token/introspect', { token: tk.access_token }, basic(other.client_id, other.client_secret!))).json(),
    { active: false },
    "another client's token",
  );
  const pub = await registerClient(app, owner.token, { type: 'public' });
  const refused = await post('/token/introspect', { token: tk.access_token, client_id: pub.client_id }, {});
  t.equal(refused.statusCode, 401, 'public clients may not introspect');
  t.match(refused.json(), { error: 'invalid_client' });
  t.match((await post('/token/introspect', {})).json(), { error: 'invalid_request' });
});

t.test('revocation: an access token alone, or a refresh token with its family', async (t) => {
  const a = await tokens();
  t.equal((await post('/token/revoke', { token: a.access_token, token_type_hint: 'access_token' })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(a.access_token) })).statusCode, 401);
  t.equal(
    (await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: a.refresh_token }, auth)).statusCode,
    200,
    'the refresh token lives on',
  );

  const b = await tokens();
  t.equal((await post('/token/revoke', { token: b.refresh_token })).statusCode, 200);
  t.match((await tokenRequest(app, { grant_type: 'refresh_token', refresh_token: b.refresh_token }, auth)).json(), {
    error: 'invalid_grant',
  });
  t.equal(
    (await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(b.access_token) })).statusCode,
    401,
    'its access tokens go too',
  );

  const c = await tokens();
  t.equal(
    (await post('/token/revoke', { token: c.access_token }, basic(other.client_id, other.client_secret!))).statusCode,
    200,
    'another client: 200',
  );
  t.equal(
    (await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(c.access_token) })).statusCode,
    200,
    'but nothing revoked',
  );
  t.equal((await post('/token/revoke', { token: 'unknown' })).statusCode, 200, 'an unknown token is not an error');
  t.match((await post('/token/revoke', { token: c.access_token }, basic(client.client_id, 'wrong'))).json(), {
    error: 'invalid_client',
  });
});

t.test('userinfo needs openid or user_info; the bearer routes need a token', async (t) => {
  const p = pkce();
  const back = await authorize(new Browser(app), owner, {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    scope: 'openid email',
  });
  const tk = (
    await tokenRequest(
      app,
      { grant_type: 'authorization_code', code: back.get('code')!, code_verifier: p.verifier, redirect_uri: REDIRECT },
      auth,
    )
  ).json();
  const info = (await app.inject({ method: 'GET', url: '/oauth2/userinfo', headers: bearer(tk.access_token) })).json();
  t.same(Object.keys(info).sort(), ['email', 'email_verified', 'sub'], 'openid email: the e-mail only');
  t.equal(
    (await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(tk.access_token) })).statusCode,
    403,
    'identity scopes open no API route',
  );

  const cc = (await tokenRequest(app, { grant_type: 'client_credentials', scope: 'accounts' }, auth)).json();
  const refused = await app.inject({ method: 'GET', url: '/oauth2/userinfo', headers: bearer(cc.access_token) });
  t.equal(refused.statusCode, 403);
  t.match(refused.headers['www-authenticate'], /insufficient_scope/);
  for (const [method, url] of [
    ['GET', '/oauth2/userinfo'],
    ['GET', '/token/check'],
    ['DELETE', '/token'],
  ] as const) {
    t.equal((await app.inject({ method, url })).statusCode, 401, `${method} ${url} without a token`);
  }
  const apiCheck = await app.inject({ method: 'GET', url: '/token/check', headers: bearer(owner.token) });
  t.match(apiCheck.json().data, { kind: 'api', client_id: null }, 'an API token checks too');
});
