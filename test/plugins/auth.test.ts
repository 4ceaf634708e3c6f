import t from 'tap';
import Fastify from 'fastify';
import authIdentify, { enforceAuth } from '../../src/plugins/auth.js';
import { AppError } from '../../src/shared/errors.js';
import { ADMIN_TOKEN, bearer, buildTestApp, testDatabase } from '../helper.js';
import { createUser } from '../factories/users.js';

type Res = Awaited<ReturnType<Awaited<ReturnType<typeof buildTestApp>>['inject']>>;
type Asserts = Pick<typeof t, 'equal' | 'match'>;

const nowS = () => Math.floor(Date.now() / 1000);

/** Asserts the 401 envelope and the RFC 6750 challenge that goes with it. */
function assert401(t: Asserts, res: Res, challenge: RegExp) {
  t.equal(res.statusCode, 401);
  t.equal(res.json().result, 'error');
  t.equal(res.json().error.code, 'not_authorized');
  t.match(res.headers['www-authenticate'], challenge);
}

const BARE_CHALLENGE = /^Bearer realm="ik-mirror"$/;
const INVALID_TOKEN = /^Bearer realm="ik-mirror", error="invalid_token", error_description="[^"]+"$/;

/**
 * A bare Fastify with only the auth plugins and one module-like plugin: the only way to
 * register a route that the real app does not have (a route without `config.auth`).
 */
async function bareApp(routeConfig: Record<string, unknown>) {
  const app = Fastify();
  await app.register(authIdentify, { authenticate: async () => new AppError('not_authorized', 'nope') });
  await app.register(enforceAuth);
  // Registered without awaiting, so the broken case fails in ready(), as a module would.
  app.register(async (mod) => {
    mod.get('/1/thing', { config: routeConfig }, async () => ({ ok: true }));
  });
  // Wrapped: a Fastify instance is thenable, and returning it bare would await ready().
  return { app };
}

t.test('authentication and scopes', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  t.test('without a token: 401 with a bare Bearer challenge', async (t) => {
    const res = await get('/1/ping');
    assert401(t, res, BARE_CHALLENGE);
    t.match(res.json().error.description, /required/i);
  });

  t.test('a malformed Authorization header is 401 invalid_request', async (t) => {
    // RFC 6750 §3.1: a malformed request is invalid_request, not invalid_token.
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Token ikm_abc']) {
      const res = await get('/1/ping', { authorization });
      assert401(t, res, /^Bearer realm="ik-mirror", error="invalid_request"/);
      t.match(res.json().error.description, /malformed/i, authorization);
    }
  });

  t.test('an unknown token is 401 invalid_token', async (t) => {
    assert401(t, await get('/1/ping', bearer('ikm_' + 'x'.repeat(43))), INVALID_TOKEN);
    assert401(t, await get('/1/ping', bearer('not-even-our-prefix')), INVALID_TOKEN);
  });

  t.test('a lower-case bearer scheme is accepted (the scheme is case-insensitive)', async (t) => {
    const res = await get('/1/ping', { authorization: `bearer ${u.token}` });
    t.equal(res.statusCode, 200);
  });

  t.test('an expired token is 401 invalid_token', async (t) => {
    const expired = await createUser(app.db, { tokenExpiredAt: nowS() - 5 });
    const res = await get('/1/ping', bearer(expired.token));
    assert401(t, res, INVALID_TOKEN);
    t.match(res.json().error.description, /expired/);
  });

  t.test('a revoked token is 401 invalid_token', async (t) => {
    const victim = await createUser(app.db);
    t.equal((await get('/1/ping', bearer(victim.token))).statusCode, 200, 'works before revocation');
    await app.db.updateTable('api_tokens').set({ revoked_at: nowS() }).where('id', '=', victim.tokenId).execute();
    const res = await get('/1/ping', bearer(victim.token));
    assert401(t, res, INVALID_TOKEN);
    t.match(res.json().error.description, /revoked/);
  });

  t.test("a token lacking the route's scope is 403 access_denied naming it", async (t) => {
    const narrow = await createUser(app.db, { scopes: ['accounts'] });
    const res = await get('/2/profile', bearer(narrow.token));
    t.equal(res.statusCode, 403);
    const { error } = res.json();
    t.equal(error.code, 'access_denied');
    t.match(error.description, /user_info/);
    t.same(error.context.missing_scopes, ['user_info']);
    t.notOk(res.headers['www-authenticate'], 'a scope failure is not an authentication challenge');
    // Control: the same route with the scope answers, so the 403 above is about the scope.
    const full = await get('/2/profile', bearer(u.token));
    t.equal(full.statusCode, 200);
  });

  t.test('public routes answer without a token', async (t) => {
    for (const url of ['/healthz', '/readyz']) {
      const res = await get(url);
      t.equal(res.statusCode, 200, url);
      t.same(res.json(), { status: 'ok' });
    }
    // Even a bad token does not matter on a public route.
    t.equal((await get('/healthz', bearer('ikm_garbage'))).statusCode, 200);
  });
});

t.test('a route that declares no auth stops the app from booting', async (t) => {
  const { app: broken } = await bareApp({});
  await t.rejects(async () => {
    await broken.ready();
  }, /GET \/1\/thing declares no auth/);

  // Control: the same app with a declared auth boots and serves, so the failure is the missing auth.
  const { app: fine } = await bareApp({ auth: 'public' });
  t.teardown(() => fine.close());
  await fine.ready();
  t.equal((await fine.inject('/1/thing')).statusCode, 200);

  // And a scoped route on it fails closed when the authenticator refuses.
  const { app: scoped } = await bareApp({ auth: { scopes: [] } });
  t.teardown(() => scoped.close());
  const res = await scoped.inject({ url: '/1/thing', headers: bearer('ikm_whatever') });
  t.equal(res.statusCode, 401);
});

t.test("using a token records last_used_at, at most once a minute on the mirror's clock", async (t) => {
  // The request does not wait for the write; closing an app waits for the writes it started,
  // so each step uses the token on one app, closes it, and reads on the next.
  const database = await testDatabase(t);
  const u = await createUser(database.db);
  let app = await buildTestApp(t, { database });
  const created = await app.inject({
    method: 'POST',
    url: '/1/profile/tokens',
    headers: bearer(u.token),
    payload: { name: 'ci', scopes: ['accounts'] },
  });
  t.equal(created.statusCode, 201);
  const fresh = created.json().data;
  t.equal(fresh.last_used_at, null, 'a new token has never been used');

  const clockNow = async () =>
    (await app.inject({ method: 'GET', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN) })).json().data
      .now as number;
  const use = async () => {
    const before = await clockNow();
    t.equal((await app.inject({ method: 'GET', url: '/1/ping', headers: bearer(fresh.token) })).statusCode, 200);
    const after = await clockNow();
    await app.close();
    app = await buildTestApp(t, { database });
    const list = await app.inject({ method: 'GET', url: '/1/profile/tokens', headers: bearer(u.token) });
    return {
      before,
      after,
      lastUsed: list.json().data.find((x: { id: number }) => x.id === fresh.id).last_used_at as number | null,
    };
  };

  const first = await use();
  t.type(first.lastUsed, 'number', 'recorded');
  t.ok(first.lastUsed! >= first.before && first.lastUsed! <= first.after, 'last_used_at is the time of use');

  const again = await use();
  t.equal(again.lastUsed, first.lastUsed, 'used again within the minute: not written again');

  t.equal(
    (await app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: { advance: 60 } }))
      .statusCode,
    200,
  );
  const later = await use();
  t.ok(later.lastUsed! >= first.lastUsed! + 60, "a minute on, on the mirror's clock: written again");
  t.ok(later.lastUsed! >= later.before && later.lastUsed! <= later.after);
  t.equal(
    (await app.inject({ method: 'PUT', url: '/_mirror/clock', headers: bearer(ADMIN_TOKEN), payload: { reset: true } }))
      .statusCode,
    200,
  );
});

t.test('tokens used at once have each its use written, in the data each acts on', async (t) => {
  const database = await testDatabase(t);
  const app = await buildTestApp(t, { database });
  const users = await Promise.all(Array.from({ length: 12 }, () => createUser(app.db)));
  const answers = await Promise.all(
    users.map((u) => app.inject({ method: 'GET', url: '/2/profile', headers: bearer(u.token) })),
  );
  t.same(
    answers.map((a) => a.statusCode),
    Array(12).fill(200),
  );
  const seeded = await app.inject({
    method: 'POST',
    url: '/_mirror/seed',
    headers: { ...bearer(ADMIN_TOKEN), 'x-mirror-sandbox': 'token-uses' },
    payload: { fixture: 'demo' },
  });
  t.equal(seeded.statusCode, 200, seeded.body);
  const alice = (seeded.json().data.users as { key: string; token: string }[]).find((u) => u.key === 'alice');
  t.equal((await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(alice!.token) })).statusCode, 200);
  await app.tokenUsesWritten();

  const used = await app.db
    .selectFrom('api_tokens')
    .select('last_used_at')
    .where(
      'id',
      'in',
      users.map((u) => u.tokenId),
    )
    .execute();
  t.ok(used.length === 12 && used.every((u) => typeof u.last_used_at === 'number'), 'every token of the main data');
  const listed = await app.inject({ method: 'GET', url: '/1/profile/tokens', headers: bearer(alice!.token) });
  t.equal(listed.statusCode, 200, listed.body);
  const mine = (listed.json().data as { last_used_at: number | null }[]).filter((x) => x.last_used_at !== null);
  t.ok(mine.length >= 1, "the sandbox's token, written in the sandbox");
});
