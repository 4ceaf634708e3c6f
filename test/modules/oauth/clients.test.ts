import t from 'tap';
import { buildTestApp, call as send, type Method, testDatabase } from '../../helper.js';
import { createToken, createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { REDIRECT, registerClient, tokenRequest, basic } from '../../factories/oauth.js';

// Registering OAuth applications: the caller's own, with safe redirect URIs; a confidential
// client's secret shown once; deleting one revokes its tokens.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const call = (method: Method, url: string, payload?: object, token = owner.token) =>
  send(app, token, method, url, payload);

t.test('create, read, list, update, delete', async (t) => {
  const created = await call('POST', '/1/oauth_clients', {
    name: ' Dashboard ',
    type: 'confidential',
    redirect_uris: [REDIRECT, 'https://app.example.test/cb', 'com.example.app:/oauth'],
  });
  t.equal(created.statusCode, 201, created.body);
  const c = created.json().data;
  t.match(c, {
    name: 'Dashboard',
    type: 'confidential',
    redirect_uris: [REDIRECT, 'https://app.example.test/cb', 'com.example.app:/oauth'],
  });
  t.match(c.client_id, /^ikmc_/);
  t.match(c.client_secret, /^ikms_/);
  const row = await app.db
    .selectFrom('oauth_clients')
    .select('secret_hash')
    .where('client_id', '=', c.client_id)
    .executeTakeFirstOrThrow();
  t.not(row.secret_hash, c.client_secret, 'only a hash is stored');

  const read = (await call('GET', `/1/oauth_clients/${c.client_id}`)).json().data;
  t.notOk('client_secret' in read, 'never shown again');
  t.equal((await call('GET', '/1/oauth_clients')).json().total, 1);

  const patched = await call('PATCH', `/1/oauth_clients/${c.client_id}`, { redirect_uris: [REDIRECT] });
  t.same(patched.json().data.redirect_uris, [REDIRECT]);
  t.same(
    failedAttributes((await call('PATCH', `/1/oauth_clients/${c.client_id}`, {})).json()),
    ['body'],
    'nothing to change',
  );

  const token = await tokenRequest(
    app,
    { grant_type: 'client_credentials', scope: 'user_info' },
    basic(c.client_id, c.client_secret),
  );
  t.equal(token.statusCode, 200);
  t.same((await call('DELETE', `/1/oauth_clients/${c.client_id}`)).json(), { result: 'success', data: true });
  t.equal(
    (await call('GET', '/2/profile', undefined, token.json().access_token)).statusCode,
    401,
    'its tokens are revoked',
  );
  t.equal((await call('GET', `/1/oauth_clients/${c.client_id}`)).statusCode, 404);
  t.match(
    (await tokenRequest(app, { grant_type: 'client_credentials' }, basic(c.client_id, c.client_secret))).json(),
    { error: 'invalid_client' },
    'and it cannot get more',
  );
});

t.test('redirect URIs that would leak codes are refused, naming the entry', async (t) => {
  const bad = [
    ['http://app.example.test/cb', /https/],
    ['https://app.example.test/cb#frag', /fragment/],
    ['javascript:alert(1)', /javascript/],
    ['/relative', /absolute/],
    ['myapp:/cb', /reversed domain/],
  ] as const;
  for (const [uri] of bad) {
    const res = await call('POST', '/1/oauth_clients', { name: 'x', type: 'public', redirect_uris: [REDIRECT, uri] });
    t.equal(res.statusCode, 422, uri);
    t.same(failedAttributes(res.json()), ['redirect_uris.1'], uri);
  }
  t.same(
    failedAttributes(
      (
        await call('POST', '/1/oauth_clients', { name: 'x', type: 'public', redirect_uris: [REDIRECT, REDIRECT] })
      ).json(),
    ),
    ['redirect_uris'],
  );
  t.same(
    failedAttributes(
      (await call('POST', '/1/oauth_clients', { name: 'x', type: 'secret', redirect_uris: [REDIRECT] })).json(),
    ),
    ['type'],
  );
  t.same(
    failedAttributes((await call('POST', '/1/oauth_clients', { name: 'x', type: 'public', redirect_uris: [] })).json()),
    ['redirect_uris'],
  );
  t.equal(
    (
      await call('POST', '/1/oauth_clients', {
        name: 'loopback',
        type: 'public',
        redirect_uris: ['http://localhost:8080/cb', 'http://[::1]/cb'],
      })
    ).statusCode,
    201,
  );
});

t.test("another user's client is not found; the scope is user_info", async (t) => {
  const c = await registerClient(app, owner.token);
  const other = await createUser(app.db);
  for (const [method, payload] of [['GET'], ['PATCH', { name: 'mine' }], ['DELETE']] as const) {
    const res = await call(method, `/1/oauth_clients/${c.client_id}`, payload, other.token);
    t.equal(res.statusCode, 404, method);
    t.equal(res.json().error.code, 'object_not_found');
  }
  t.equal((await call('GET', '/1/oauth_clients', undefined, other.token)).json().total, 0);
  const noScope = await createToken(app.db, owner.id, ['accounts']);
  t.equal((await call('GET', '/1/oauth_clients', undefined, noScope.secret)).statusCode, 403);
  t.equal((await app.inject({ method: 'GET', url: '/1/oauth_clients' })).statusCode, 401);
});
