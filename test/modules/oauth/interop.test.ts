import t from 'tap';
import * as oauth from 'oauth4webapi';
import { buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';

// Interoperability with a certified client library nobody here wrote (oauth4webapi, OpenID
// certified), over real HTTP: discovery, the code flow with PKCE (pages driven like a browser
// without JavaScript), the ID token, refresh, introspection, revocation, userinfo.

t.test('oauth4webapi against ik-mirror', async (t) => {
  const app = await buildTestApp(t);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const user = await createUser(app.db, { first_name: 'Ada', last_name: 'Lovelace' });
  const redirectUri = 'http://127.0.0.1:4998/callback';
  const registered = (await fetch(`${base}/1/oauth_clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'oauth4webapi', type: 'confidential', redirect_uris: [redirectUri] }),
  }).then((r) => r.json())) as { data: { client_id: string; client_secret: string } };
  const insecure = { [oauth.allowInsecureRequests]: true };

  // Discovery (RFC 8414 and OpenID Connect Discovery both).
  const issuer = new URL(base);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oidc' }),
  );
  t.equal(as.issuer, base);
  const as2 = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oauth2' }),
  );
  t.equal(as2.token_endpoint, `${base}/token`);

  const client: oauth.Client = { client_id: registered.data.client_id };
  const clientAuth = oauth.ClientSecretBasic(registered.data.client_secret);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const authUrl = new URL(as.authorization_endpoint!);
  for (const [k, v] of Object.entries({
    client_id: client.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile email user_info',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    access_type: 'offline',
  }))
    authUrl.searchParams.set(k, v);

  // The pages, as a browser without JavaScript goes through them.
  const jar = new Map<string, string>();
  const go = async (url: string, form?: Record<string, string>) => {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return { res, html: await res.text() };
  };
  const csrf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1];
  const signIn = await go(authUrl.href);
  const signed = await go(authUrl.href, {
    step: 'sign_in',
    csrf: csrf(signIn.html),
    email: user.email,
    password: user.password,
  });
  t.equal(signed.res.status, 303);
  const consent = await go(new URL(signed.res.headers.get('location')!, base).href);
  const allowed = await go(authUrl.href, { step: 'consent', csrf: csrf(consent.html), decision: 'allow' });
  const callback = new URL(allowed.res.headers.get('location')!);

  const params = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth,
    params,
    redirectUri,
    verifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: nonce,
    requireIdToken: true,
  });
  t.equal(tokens.token_type, 'bearer');
  t.equal(tokens.expires_in, 7200);
  const claims = oauth.getValidatedIdTokenClaims(tokens)!;
  t.match(claims, { iss: base, aud: client.client_id, sub: String(user.id), nonce, email: user.email });

  const info = await oauth.processUserInfoResponse(
    as,
    client,
    claims.sub,
    await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
  );
  t.match(info, { sub: String(user.id), email: user.email, given_name: 'Ada', family_name: 'Lovelace' });

  const refreshed = await oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure),
  );
  t.not(refreshed.refresh_token, tokens.refresh_token, 'rotated');
  t.ok(refreshed.access_token);

  const active = await oauth.processIntrospectionResponse(
    as,
    client,
    await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure),
  );
  t.match(active, { active: true, client_id: client.client_id, sub: String(user.id) });

  await oauth.processRevocationResponse(
    await oauth.revocationRequest(as, client, clientAuth, refreshed.access_token, insecure),
  );
  const gone = await oauth.processIntrospectionResponse(
    as,
    client,
    await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure),
  );
  t.equal(gone.active, false, 'revoked');

  // Reusing the first, spent refresh token: the library sees invalid_grant.
  const reuse = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure);
  const grantError = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: { error?: string }) => e.error,
    );
  t.equal(await grantError(oauth.processRefreshTokenResponse(as, client, reuse)), 'invalid_grant');
  t.equal(
    await grantError(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshed.refresh_token!, insecure),
      ),
    ),
    'invalid_grant',
    'the family is revoked',
  );
});
