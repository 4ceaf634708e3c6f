import t from 'tap';
import { bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createToken, createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { basic, registerClient, tokenRequest } from '../../factories/oauth.js';

// Application passwords, as upstream, and the OAuth password grant that signs in with them.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const client = await registerClient(app, owner.token);
const url = '/2/profile/applications/passwords';
const call = (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: object, token = owner.token) =>
  app.inject({ method, url: path, headers: bearer(token), ...(payload ? { payload } : {}) });

t.test('create (shown once), list, read, delete', async (t) => {
  const created = await call('POST', url, { name: 'Backup script' });
  t.equal(created.statusCode, 201, created.body);
  const p = created.json().data;
  t.match(p, { name: 'Backup script', last_used_at: null });
  t.match(p.password, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  const row = await app.db
    .selectFrom('app_passwords')
    .select('password_hash')
    .where('id', '=', p.id)
    .executeTakeFirstOrThrow();
  t.match(row.password_hash, /^\$argon2/, 'kept as an Argon2 hash');

  const list = (await call('GET', url)).json().data;
  t.same(
    list.map((x: { id: number }) => x.id),
    [p.id],
  );
  t.same(Object.keys(list[0]).sort(), ['created_at', 'id', 'last_used_at', 'name'], 'never the password');
  t.same(Object.keys((await call('GET', `${url}/${p.id}`)).json().data).sort(), [
    'created_at',
    'id',
    'last_used_at',
    'name',
  ]);

  const grant = await tokenRequest(
    app,
    { grant_type: 'password', username: owner.email.toUpperCase(), password: p.password, access_type: 'offline' },
    basic(client.client_id, client.client_secret!),
  );
  t.equal(grant.statusCode, 200, grant.body);
  t.match(grant.json(), {
    token_type: 'Bearer',
    expires_in: 7200,
    scope: 'user_info accounts billing',
    user_id: owner.id,
  });
  t.ok(grant.json().refresh_token, 'access_type=offline');
  t.equal((await call('GET', '/1/accounts', undefined, grant.json().access_token)).statusCode, 200);
  t.ok((await call('GET', `${url}/${p.id}`)).json().data.last_used_at, 'last_used_at set');

  t.same((await call('DELETE', `${url}/${p.id}`)).json(), { result: 'success', data: true });
  const after = await tokenRequest(
    app,
    { grant_type: 'password', username: owner.email, password: p.password },
    basic(client.client_id, client.client_secret!),
  );
  t.match(after.json(), { error: 'invalid_grant' }, 'a deleted password stops working at once');
  t.equal((await call('GET', `${url}/${p.id}`)).statusCode, 404);
  t.equal((await call('DELETE', `${url}/${p.id}`)).statusCode, 404);
});

t.test('the password grant takes only application passwords', async (t) => {
  const auth = basic(client.client_id, client.client_secret!);
  t.match(
    (await tokenRequest(app, { grant_type: 'password', username: owner.email, password: owner.password }, auth)).json(),
    { error: 'invalid_grant' },
    'not the account password',
  );
  t.match(
    (await tokenRequest(app, { grant_type: 'password', username: 'nobody@example.test', password: 'x' }, auth)).json(),
    { error: 'invalid_grant' },
  );
  t.match((await tokenRequest(app, { grant_type: 'password', username: owner.email }, auth)).json(), {
    error: 'invalid_request',
  });
  const p = (await call('POST', url, { name: 'narrow' })).json().data;
  const narrow = await tokenRequest(
    app,
    { grant_type: 'password', username: owner.email, password: p.password, scope: 'user_info' },
    auth,
  );
  t.equal(narrow.json().scope, 'user_info');
  t.match(
    (
      await tokenRequest(
        app,
        { grant_type: 'password', username: owner.email, password: p.password, scope: 'openid admin' },
        auth,
      )
    ).json(),
    { error: 'invalid_scope' },
  );
});

t.test('with no body (the official document declares none), a password named by default', async (t) => {
  for (const payload of [undefined, {}]) {
    const created = await call('POST', url, payload);
    t.equal(created.statusCode, 201, created.body);
    t.equal(created.json().data.name, 'Application password');
    t.match(created.json().data.password, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const read = await call('GET', `${url}/${created.json().data.id}`);
    t.equal(read.json().data.name, 'Application password', 'kept under that name');
  }
});

t.test("one's own only; validation; scope", async (t) => {
  const p = (await call('POST', url, { name: 'mine' })).json().data;
  const other = await createUser(app.db);
  t.equal((await call('GET', `${url}/${p.id}`, undefined, other.token)).statusCode, 404);
  t.equal((await call('DELETE', `${url}/${p.id}`, undefined, other.token)).statusCode, 404);
  t.same((await call('GET', url, undefined, other.token)).json().data, []);
  t.same(failedAttributes((await call('POST', url, { name: '' })).json()), ['name']);
  t.same(failedAttributes((await call('POST', url, { name: 'x', password: 'mine' })).json()), ['password']);
  const noScope = await createToken(app.db, owner.id, ['accounts']);
  t.equal((await call('GET', url, undefined, noScope.secret)).statusCode, 403);
});
