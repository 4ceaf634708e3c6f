import { createHash } from 'node:crypto';
import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const PUBLIC_FIELDS = ['created_at', 'expired_at', 'id', 'last_used_at', 'name', 'scopes'];
const SECRET = /^ikm_[A-Za-z0-9_-]{40,}$/;
const nowS = () => Math.floor(Date.now() / 1000);

const list = (app: App, token: string) =>
  app.inject({ method: 'GET', url: '/1/profile/tokens', headers: bearer(token) });
const create = (app: App, token: string, payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/1/profile/tokens', headers: bearer(token), payload });
const revoke = (app: App, token: string, id: number) =>
  app.inject({ method: 'DELETE', url: `/1/profile/tokens/${id}`, headers: bearer(token) });
const ping = (app: App, token: string) => app.inject({ method: 'GET', url: '/1/ping', headers: bearer(token) });

/** Creates a token through the API and returns the 201 body's data (with the secret). */
async function createOk(app: App, token: string, payload: Record<string, unknown>) {
  const res = await create(app, token, payload);
  if (res.statusCode !== 201) throw new Error(`expected 201, got ${res.statusCode}: ${res.body}`);
  return res.json().data as { id: number; token: string; expired_at: number | null; scopes: string[] };
}

/** The attributes a 422 names, so a test can say which field was refused. */
const failedAttributes = (body: { error: { errors: { context: { attribute: string } }[] } }) =>
  body.error.errors.map((e) => e.context.attribute);

// One database for the file (migrating is slow on PGlite); every test makes its own users.
const database = await testDatabase(t);

t.test('API tokens', async (t) => {
  const app = await buildTestApp(t, { database });
  const u = await createUser(app.db);

  t.test('the list shows public fields only, never a secret or a hash', async (t) => {
    await createOk(app, u.token, { name: 'listed', scopes: ['accounts'] });
    const res = await list(app, u.token);
    t.equal(res.statusCode, 200);
    const items = res.json().data as Record<string, unknown>[];
    t.equal(items.length, 2, 'the factory token and the new one');
    for (const item of items) {
      t.same(Object.keys(item).sort(), PUBLIC_FIELDS);
      t.notOk('token' in item || 'token_hash' in item);
    }
    // No value anywhere in the answer looks like a secret or its SHA-256.
    t.notMatch(res.body, /ikm_|[0-9a-f]{64}/);
  });

  t.test('creation answers 201 with a secret that works as a bearer token', async (t) => {
    const res = await create(app, u.token, { name: 'deploy', scopes: ['accounts', 'billing'] });
    t.equal(res.statusCode, 201);
    const data = res.json().data;
    t.match(data.token, SECRET);
    t.match(data, { name: 'deploy', scopes: ['accounts', 'billing'], expired_at: null, last_used_at: null });
    t.same(Object.keys(data).sort(), [...PUBLIC_FIELDS, 'token'].sort());
    t.ok(Math.abs(data.created_at - nowS()) <= 5, 'created_at is now, in Unix seconds');
    t.equal((await ping(app, data.token)).statusCode, 200);

    // Stored hashed: the row holds the SHA-256 and nowhere the secret itself.
    const row = await app.db.selectFrom('api_tokens').selectAll().where('id', '=', data.id).executeTakeFirstOrThrow();
    t.equal(row.token_hash, createHash('sha256').update(data.token).digest('hex'));
    t.notOk(Object.values(row).includes(data.token));
  });

  t.test('two tokens never share a secret', async (t) => {
    const a = await createOk(app, u.token, { name: 'a', scopes: ['accounts'] });
    const b = await createOk(app, u.token, { name: 'b', scopes: ['accounts'] });
    t.not(a.token, b.token);
  });

  t.test('a token can only grant scopes it has', async (t) => {
    const narrow = await createUser(app.db, { scopes: ['accounts'] });
    const res = await create(app, narrow.token, { name: 'escalate', scopes: ['billing'] });
    t.equal(res.statusCode, 422);
    t.equal(res.json().error.code, 'validation_failed');
    t.same(failedAttributes(res.json()), ['scopes']);
    t.match(res.json().error.errors[0].description, /billing/);
    // Mixed in with an allowed scope, the extra one is still refused.
    const mixed = await create(app, narrow.token, { name: 'escalate', scopes: ['accounts', 'billing'] });
    t.equal(mixed.statusCode, 422);
    // Its own scopes it may hand on.
    t.equal((await create(app, narrow.token, { name: 'same', scopes: ['accounts'] })).statusCode, 201);
    t.equal((await list(app, narrow.token)).json().data.length, 2, 'nothing was created by the refused calls');
  });

  t.test('an expiry in the past (or now) is refused', async (t) => {
    for (const expired_at of [nowS() - 60, nowS()]) {
      const res = await create(app, u.token, { name: 'stale', scopes: ['accounts'], expired_at });
      t.equal(res.statusCode, 422, `expired_at ${expired_at}`);
      t.same(failedAttributes(res.json()), ['expired_at']);
    }
  });

  t.test('invalid bodies are refused by the schema', async (t) => {
    const cases = [
      { name: 'x', scopes: [] },
      { name: '', scopes: ['accounts'] },
      { name: 'x', scopes: ['accounts', 'accounts'] },
      { name: 'x', scopes: ['root'] },
      { name: 'x', scopes: ['accounts'], expired_at: 'tomorrow' },
    ];
    for (const payload of cases)
      t.equal((await create(app, u.token, payload)).statusCode, 422, JSON.stringify(payload));
  });

  t.test('a token with an expiry works until then', async (t) => {
    // The mirror's clock is moved rather than waited for; it goes back to real time after.
    const clock = (body: object) =>
      app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: body });
    t.teardown(() => clock({ reset: true }));
    const expiresAt = nowS() + 3600;
    const made = await createOk(app, u.token, { name: 'short', scopes: ['accounts'], expired_at: expiresAt });
    t.equal(made.expired_at, expiresAt);
    t.equal((await ping(app, made.token)).statusCode, 200, 'usable now');

    t.equal((await clock({ now: expiresAt - 60 })).statusCode, 200);
    t.equal((await ping(app, made.token)).statusCode, 200, 'usable a minute before its expiry');
    t.ok(
      (await list(app, u.token)).json().data.some((x: { id: number }) => x.id === made.id),
      'listed while live',
    );

    // Expired from the first instant of the expiry second on.
    t.equal((await clock({ now: expiresAt })).statusCode, 200);
    const after = await ping(app, made.token);
    t.equal(after.statusCode, 401, 'refused once expired');
    t.match(after.json().error.description, /expired/);
    t.notOk(
      (await list(app, u.token)).json().data.some((x: { id: number }) => x.id === made.id),
      'no longer listed',
    );
    t.equal((await ping(app, u.token)).statusCode, 200, 'a token without an expiry is not affected');
  });

  t.test('a token inserted already expired is refused', async (t) => {
    const old = await createUser(app.db, { tokenExpiredAt: nowS() - 1 });
    t.equal((await ping(app, old.token)).statusCode, 401);
  });

  t.test('revoking takes effect on the very next request', async (t) => {
    const made = await createOk(app, u.token, { name: 'soon gone', scopes: ['accounts'] });
    t.equal((await ping(app, made.token)).statusCode, 200);
    const res = await revoke(app, u.token, made.id);
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    const next = await ping(app, made.token);
    t.equal(next.statusCode, 401);
    t.match(next.json().error.description, /revoked/);
    t.notOk((await list(app, u.token)).json().data.some((x: { id: number }) => x.id === made.id));
  });

  t.test('a token may revoke itself', async (t) => {
    const made = await createOk(app, u.token, { name: 'self', scopes: ['accounts'] });
    t.equal((await revoke(app, made.token, made.id)).statusCode, 200);
    t.equal((await ping(app, made.token)).statusCode, 401);
  });

  t.test('revoking twice is 404', async (t) => {
    const made = await createOk(app, u.token, { name: 'twice', scopes: ['accounts'] });
    t.equal((await revoke(app, u.token, made.id)).statusCode, 200);
    const again = await revoke(app, u.token, made.id);
    t.equal(again.statusCode, 404);
    t.equal(again.json().error.code, 'object_not_found');
  });

  t.test("another user's token is 404 and stays valid", async (t) => {
    const other = await createUser(app.db);
    const res = await revoke(app, u.token, other.tokenId);
    t.equal(res.statusCode, 404);
    t.equal(res.json().error.code, 'object_not_found');
    // Same answer as for an id that does not exist: nothing reveals that the token is there.
    const missing = await revoke(app, u.token, 99_999_999);
    t.same(missing.json(), res.json());
    t.equal((await ping(app, other.token)).statusCode, 200, "the other user's token still works");
    t.notOk(
      (await list(app, u.token)).json().data.some((x: { id: number }) => x.id === other.tokenId),
      'nor is it listed',
    );
  });

  t.test('a token id that is not an integer is 422', async (t) => {
    const res = await app.inject({ method: 'DELETE', url: '/1/profile/tokens/abc', headers: bearer(u.token) });
    t.equal(res.statusCode, 422);
    t.same(failedAttributes(res.json()), ['token_id']);
  });
});

t.test('revocation is seen by every instance', async (t) => {
  const a = await buildTestApp(t, { database });
  // A second instance on the same database, as in a scaled-out deployment.
  const b = await buildTestApp(t, { database: a.database });
  const u = await createUser(a.db);
  const made = await createOk(a, u.token, { name: 'shared', scopes: ['accounts'] });
  // B has served the token before, so anything it might cache would be warm.
  t.equal((await ping(b, made.token)).statusCode, 200);
  t.equal((await revoke(a, u.token, made.id)).statusCode, 200);
  t.equal((await ping(b, made.token)).statusCode, 401, 'the next request through B is refused');
});
