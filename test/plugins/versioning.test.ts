import t from 'tap';
import { bearer, buildTestApp, testDatabase } from '../helper.js';
import { createUser } from '../factories/users.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

/** A token of the user's own, made through the API, so that revoking it is observable. */
async function newToken(app: App, token: string): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: '/1/profile/tokens',
    headers: bearer(token),
    payload: { name: 'spare', scopes: ['accounts'] },
  });
  if (res.statusCode !== 201) throw new Error(`token creation failed: ${res.body}`);
  return res.json().data.id;
}

async function listedIds(app: App, token: string): Promise<number[]> {
  const res = await app.inject({ method: 'GET', url: '/1/profile/tokens', headers: bearer(token) });
  return res.json().data.map((x: { id: number }) => x.id);
}

// Both groups share one database (migrating is slow on PGlite); each makes its own user.
const database = await testDatabase(t);

t.test('versioned routing', async (t) => {
  const app = await buildTestApp(t, { database });
  const u = await createUser(app.db, { first_name: 'Grace', last_name: 'Hopper' });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: bearer(u.token) });

  t.test('/1/ping and /ping both answer', async (t) => {
    for (const url of ['/1/ping', '/ping', '/ping/']) {
      const res = await get(url);
      t.equal(res.statusCode, 200, url);
      t.same(res.json(), { result: 'success', data: 'pong' }, url);
    }
  });

  t.test('a command path that exists only in v1 answers without a version', async (t) => {
    // last_used_at aside: the first call's use of the token is written while the second is
    // made (tokens/last-use.ts), so the two lists may differ there and only there.
    const withoutLastUse = (res: { json(): { data: object[] } }) =>
      res.json().data.map((token) => ({ ...token, last_used_at: undefined }));
    const versioned = await get('/1/profile/tokens');
    const bare = await get('/profile/tokens');
    t.equal(bare.statusCode, 200);
    t.same(withoutLastUse(bare), withoutLastUse(versioned));
    t.equal(bare.json().data.length, 1, "the list is the user's, not empty");
  });

  t.test('a path without a version answers with the latest version', async (t) => {
    const v1 = await get('/1/profile');
    const v2 = await get('/2/profile');
    const bare = await get('/profile');
    t.equal(v1.statusCode, 200);
    t.equal(v2.statusCode, 200);
    t.equal(bare.statusCode, 200);
    t.same(bare.json(), v2.json(), 'unversioned is v2');

    // The two versions differ in shape: v1 keeps upstream's old field names.
    t.match(v1.json().data, { firstname: 'Grace', lastname: 'Hopper' });
    t.notOk('first_name' in v1.json().data, 'v1 has no first_name');
    t.match(v2.json().data, { first_name: 'Grace', last_name: 'Hopper' });
    t.notOk('firstname' in v2.json().data, 'v2 has no firstname');
  });

  t.test('an unknown version is 404 method_not_found', async (t) => {
    for (const url of ['/9/ping', '/3/profile', '/0/ping']) {
      const res = await get(url);
      t.equal(res.statusCode, 404, url);
      t.equal(res.json().error.code, 'method_not_found', url);
    }
  });

  t.test('an unknown command path without a version is 404 method_not_found', async (t) => {
    const res = await get('/no/such/path');
    t.equal(res.statusCode, 404);
    t.equal(res.json().error.code, 'method_not_found');
  });
});

t.test('method override', async (t) => {
  const app = await buildTestApp(t, { database });
  const u = await createUser(app.db);
  const post = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...bearer(u.token), ...headers } });

  t.test('POST with X-HTTP-METHOD-OVERRIDE: DELETE revokes', async (t) => {
    const id = await newToken(app, u.token);
    t.ok((await listedIds(app, u.token)).includes(id), 'listed before');
    const res = await post(`/1/profile/tokens/${id}`, { 'x-http-method-override': 'DELETE' });
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    t.notOk((await listedIds(app, u.token)).includes(id), 'gone from the list');
  });

  t.test('POST ?_method=DELETE revokes, and the override is case-insensitive', async (t) => {
    const id = await newToken(app, u.token);
    const res = await post(`/1/profile/tokens/${id}?_method=delete`);
    t.equal(res.statusCode, 200);
    t.notOk((await listedIds(app, u.token)).includes(id));
  });

  t.test('the override works on a path without a version', async (t) => {
    const id = await newToken(app, u.token);
    const res = await post(`/profile/tokens/${id}`, { 'x-http-method-override': 'DELETE' });
    t.equal(res.statusCode, 200);
    t.notOk((await listedIds(app, u.token)).includes(id));
  });

  t.test('an override to GET is not honoured: the POST stays a POST', async (t) => {
    // A GET override would let a cross-site form read data; it must not list the tokens.
    for (const res of [
      await post('/1/profile/tokens', { 'x-http-method-override': 'GET' }),
      await post('/1/profile/tokens?_method=GET'),
    ]) {
      t.not(res.statusCode, 200);
      t.equal(res.statusCode, 422, 'the body a POST needs is missing');
      t.equal(res.json().error.code, 'validation_failed');
      t.notOk(Array.isArray(res.json().data), 'no list in the answer');
    }
  });

  t.test('only POST can be overridden: a GET with a DELETE override stays a GET', async (t) => {
    const id = await newToken(app, u.token);
    const res = await app.inject({
      method: 'GET',
      url: `/1/profile/tokens/${id}`,
      headers: { ...bearer(u.token), 'x-http-method-override': 'DELETE' },
    });
    t.equal(res.statusCode, 404);
    t.equal(res.json().error.code, 'method_not_found');
    t.ok((await listedIds(app, u.token)).includes(id), 'the token was not revoked');
  });

  t.test('the rest of the query survives the removal of _method', async (t) => {
    // The rewrite re-encodes the query; bracketed keys and other parameters must still reach the route.
    const query = 'search=switz&only_enabled_exception[]=1&per_page=5';
    const plain = await app.inject({ method: 'GET', url: `/1/countries?${query}`, headers: bearer(u.token) });
    const withMethod = await app.inject({
      method: 'GET',
      url: `/1/countries?_method=PATCH&${query}`,
      headers: bearer(u.token),
    });
    t.equal(plain.statusCode, 200);
    t.equal(plain.json().data.length, 1, 'the search filtered the list');
    t.same(withMethod.json(), plain.json());
  });
});
