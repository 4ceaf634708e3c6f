import t from 'tap';
import { createLocalJWKSet, jwtVerify } from 'jose';
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

// The authorization code flow through the pages, and what the tokens it yields can do.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db, { first_name: 'Grace', last_name: 'Hopper' });
const client = await registerClient(app, owner.token, { name: 'Dashboard' });

const params = (extra: Record<string, string | undefined> = {}) => {
  const p = pkce();
  return {
    p,
    query: {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      state: 'xyz',
      code_challenge: p.challenge,
      code_challenge_method: 'S256',
      ...extra,
    },
  };
};

t.test('sign in, consent, code, tokens: the whole flow', async (t) => {
  const browser = new Browser(app);
  const { p, query } = params({ scope: 'openid profile email user_info', access_type: 'offline', nonce: 'n-123' });
  const url = authorizeUrl(query);

  const signInPage = await browser.get(url);
  t.equal(signInPage.statusCode, 200);
  t.match(signInPage.headers['content-type'], /text\/html/);
  t.match(signInPage.headers['content-security-policy'], /frame-ancestors 'none'/);
  t.equal(signInPage.headers['x-frame-options'], 'DENY');
  t.equal(signInPage.headers['cache-control'], 'no-store');
  t.match(signInPage.body, /<label for="email">/, 'labelled fields');
  t.match(signInPage.body, /Sign in to continue to Dashboard/);
  t.match(signInPage.headers['set-cookie'], /ikm_csrf=.*HttpOnly/);

  const signed = await browser.post(url, {
    step: 'sign_in',
    csrf: csrfOf(signInPage.body),
    email: owner.email,
    password: owner.password,
  });
  t.equal(signed.statusCode, 303);
  t.equal(signed.headers.location, url, 'back to the request');
  const cookie = String(signed.headers['set-cookie']);
  t.match(cookie, /ikm_session=ikmsess_/);
  t.match(cookie, /HttpOnly/);
  t.match(cookie, /Secure/, 'Secure (a loopback host counts as a secure context)');
  t.match(cookie, /SameSite=Lax/);

  const consent = await browser.get(url);
  t.equal(consent.statusCode, 200);
  for (const s of ['openid', 'profile', 'email', 'user_info'])
    t.match(consent.body, `<strong>${s}</strong>`, `lists ${s}`);
  t.match(
    consent.headers['content-security-policy'],
    /form-action 'self' http:\/\/127\.0\.0\.1:4999/,
    'the form may go on to the client only',
  );

  const allowed = await browser.post(url, { step: 'consent', csrf: csrfOf(consent.body), decision: 'allow' });
  t.equal(allowed.statusCode, 303);
  const back = new URL(allowed.headers.location as string);
  t.equal(`${back.origin}${back.pathname}`, REDIRECT);
  t.equal(back.searchParams.get('state'), 'xyz');
  t.equal(back.searchParams.get('iss'), 'http://localhost:80', 'RFC 9207 iss: this server');
  const code = back.searchParams.get('code')!;
  t.match(code, /^[A-Za-z0-9_-]{43}$/);

  const res = await tokenRequest(
    app,
    { grant_type: 'authorization_code', code, code_verifier: p.verifier, redirect_uri: REDIRECT },
    basic(client.client_id, client.client_secret!),
  );
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.headers['cache-control'], 'no-store');
  t.equal(res.headers.pragma, 'no-cache');
  const tokens = res.json();
  t.match(tokens, {
    token_type: 'Bearer',
    expires_in: 7200,
    scope: 'openid profile email user_info',
    user_id: owner.id,
  });
  t.match(tokens.access_token, /^ikm_/);
  t.match(tokens.refresh_token, /^ikmr_/, 'access_type=offline: a refresh token');

  const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
  const { payload } = await jwtVerify(tokens.id_token, jwks, {
    issuer: 'http://localhost:80',
    audience: client.client_id,
  });
  t.match(payload, {
    sub: String(owner.id),
    nonce: 'n-123',
    email: owner.email,
    given_name: 'Grace',
    family_name: 'Hopper',
  });

  const profile = await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(tokens.access_token) });
  t.equal(profile.statusCode, 200, 'the access token works on the API like an API token');
  t.equal(profile.json().data.id, owner.id);
  const accounts = await app.inject({ method: 'GET', url: '/1/accounts', headers: bearer(tokens.access_token) });
  t.equal(accounts.statusCode, 403, 'and carries only its scopes');
  t.same(accounts.json().error.context.missing_scopes, ['accounts']);

  const userinfo = await app.inject({ method: 'GET', url: '/oauth2/userinfo', headers: bearer(tokens.access_token) });
  t.match(userinfo.json(), {
    sub: String(owner.id),
    email: owner.email,
    name: 'Grace Hopper',
    given_name: 'Grace',
    family_name: 'Hopper',
  });
  const check = await app.inject({ method: 'GET', url: '/token/check', headers: bearer(tokens.access_token) });
  t.match(check.json().data, { user_id: owner.id, kind: 'oauth', client_id: client.client_id });

  const listed = await app.inject({ method: 'GET', url: '/1/profile/tokens', headers: bearer(owner.token) });
  t.notOk(
    listed.json().data.some((x: { name: string }) => x.name.startsWith('OAuth')),
    'OAuth tokens are not listed among API tokens',
  );

  const revoked = await app.inject({ method: 'DELETE', url: '/token', headers: bearer(tokens.access_token) });
  t.same(revoked.json(), { result: 'success', data: true });
  t.equal(
    (await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(tokens.access_token) })).statusCode,
    401,
    'revoked at once',
  );
});

t.test('a signed-in user is not asked to sign in twice; deny goes back with access_denied', async (t) => {
  const browser = new Browser(app);
  const first = params();
  await authorize(browser, owner, first.query);
  const second = params({ state: 'again' });
  const page = await browser.get(authorizeUrl(second.query));
  t.match(page.body, /name="decision"/, 'straight to consent');
  t.notMatch(page.body, /name="password"/);
  const denied = await authorize(browser, owner, second.query, 'deny');
  t.equal(denied.get('error'), 'access_denied');
  t.equal(denied.get('state'), 'again');
  t.equal(denied.get('code'), null);
});

t.test('without scope the client gets the API scopes; without access_type no refresh token', async (t) => {
  const { p, query } = params({ scope: undefined });
  const back = await authorize(new Browser(app), owner, query);
  const res = await tokenRequest(app, {
    grant_type: 'authorization_code',
    code: back.get('code')!,
    code_verifier: p.verifier,
    redirect_uri: REDIRECT,
    client_id: client.client_id,
    client_secret: client.client_secret!,
  });
  t.equal(res.statusCode, 200, 'client_secret_post works too');
  t.equal(res.json().scope, 'user_info accounts billing');
  t.notOk(res.json().refresh_token);
  t.notOk(res.json().id_token, 'no openid: no ID token');
  t.equal(
    (await app.inject({ method: 'GET', url: '/1/accounts', headers: bearer(res.json().access_token) })).statusCode,
    200,
  );
});

t.test('a public client: PKCE alone, no secret', async (t) => {
  const pub = await registerClient(app, owner.token, { type: 'public', name: 'Mobile' });
  t.equal(pub.client_secret, null);
  const p = pkce();
  const back = await authorize(new Browser(app), owner, {
    response_type: 'code',
    client_id: pub.client_id,
    redirect_uri: REDIRECT,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    scope: 'user_info',
  });
  const res = await tokenRequest(app, {
    grant_type: 'authorization_code',
    code: back.get('code')!,
    code_verifier: p.verifier,
    redirect_uri: REDIRECT,
    client_id: pub.client_id,
  });
  t.equal(res.statusCode, 200, res.body);
  const withSecret = await tokenRequest(app, {
    grant_type: 'client_credentials',
    client_id: pub.client_id,
    client_secret: 'guess',
  });
  t.match(withSecret.json(), { error: 'invalid_client' });
  const cc = await tokenRequest(app, { grant_type: 'client_credentials', client_id: pub.client_id });
  t.match(cc.json(), { error: 'unauthorized_client' });
});

t.test('client credentials: a confidential client acting as itself', async (t) => {
  const res = await tokenRequest(
    app,
    { grant_type: 'client_credentials', scope: 'user_info' },
    basic(client.client_id, client.client_secret!),
  );
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { scope: 'user_info', user_id: owner.id });
  t.notOk(res.json().refresh_token);
  const wider = await tokenRequest(
    app,
    { grant_type: 'client_credentials', scope: 'openid' },
    basic(client.client_id, client.client_secret!),
  );
  t.match(wider.json(), { error: 'invalid_scope' });
});

t.test('the control plane outbox saw the sign-in from a new place', async (t) => {
  const res = await app.inject({
    method: 'GET',
    url: `/_mirror/outbox?kind=security_new_sign_in&user_id=${owner.id}`,
    headers: bearer(ADMIN_TOKEN),
  });
  t.ok(res.json().data.length >= 1);
  t.match(res.json().data.at(-1), { recipient: owner.email, subject: 'New sign-in to your account' });
});

t.test('discovery documents', async (t) => {
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    const m = (await app.inject({ method: 'GET', url: path })).json();
    t.match(
      m,
      {
        issuer: 'http://localhost:80',
        authorization_endpoint: 'http://localhost:80/authorize',
        token_endpoint: 'http://localhost:80/token',
        revocation_endpoint: 'http://localhost:80/token/revoke',
        introspection_endpoint: 'http://localhost:80/token/introspect',
        code_challenge_methods_supported: ['S256'],
        response_types_supported: ['code'],
        authorization_response_iss_parameter_supported: true,
      },
      path,
    );
  }
  const keys = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json().keys;
  t.match(keys, [{ kty: 'RSA', alg: 'RS256', use: 'sig' }]);
  t.notOk(keys[0].d, 'the public half only');
});
