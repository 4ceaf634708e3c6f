import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import t from 'tap';
import { MemoryStore, RedisStore } from '../../src/plugins/rate-limit/stores.js';
import { hashToken } from '../../src/shared/secrets.js';
import { ADMIN_TOKEN, bearer, buildTestApp, testDatabase, type TestAppOptions } from '../helper.js';
import { createUser } from '../factories/users.js';
import { authorizeUrl, Browser, csrfOf, pkce, REDIRECT, registerClient } from '../factories/oauth.js';

// The limit is set to 60 (upstream's) on every app here: the helper raises it by default.
const LIMIT = 60;
const REDIS_URL = 'redis://127.0.0.1:6379';

type Tap = Parameters<typeof buildTestApp>[0];
type App = Awaited<ReturnType<typeof buildTestApp>>;

// One database for the whole file (migrating one per app is slow on PGlite). Each app still
// has a limiter of its own, and every test makes users of its own, so budgets never mix.
const database = await testDatabase(t);

/** An app with the real limit, listening on real HTTP (concurrency through inject is not real). */
async function listening(t: Tap, opts: TestAppOptions = {}): Promise<{ app: App; url: string }> {
  const app = await buildTestApp(t, { database, ...opts, config: { RATE_LIMIT_MAX: LIMIT } });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

/** Fires n requests at once and returns their statuses and headers. */
async function burst(url: string, n: number, headers: Record<string, string> = {}) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const res = await fetch(url, { headers });
      const body = (await res.json()) as { error?: { code: string } };
      return { status: res.status, headers: res.headers, body };
    }),
  );
}

const count = (results: { status: number }[], status: number) => results.filter((r) => r.status === status).length;

/** A Redis store on a key prefix of its own, proven reachable: without Redis these tests must fail. */
async function redisStore(t: Tap, prefix: string): Promise<RedisStore> {
  const store = new RedisStore(REDIS_URL, prefix);
  t.teardown(() => store.close());
  await store.hit('probe', 1000); // rejects when Redis is down
  return store;
}

const freshPrefix = () => `ikm:test:${randomBytes(6).toString('hex')}:`;

t.test('the limit is exact under concurrency (memory store)', async (t) => {
  const { app, url } = await listening(t);
  const u = await createUser(app.db);
  const results = await burst(`${url}/1/ping`, 100, bearer(u.token));
  t.equal(count(results, 200), LIMIT, 'exactly 60 let through');
  t.equal(count(results, 429), 100 - LIMIT, 'the other 40 refused');
  for (const r of results.filter((x) => x.status === 429)) {
    t.equal(r.body.error?.code, 'too_many_requests');
    t.match(r.headers.get('retry-after'), /^[1-9]\d*$/);
    t.ok(Number(r.headers.get('retry-after')) <= 60, 'retry-after is within the window');
    t.equal(r.headers.get('x-ratelimit-remaining'), '0');
  }
  // Each request that passed saw its own remaining count: 59 down to 0, once each.
  const remaining = results.filter((x) => x.status === 200).map((x) => Number(x.headers.get('x-ratelimit-remaining')));
  t.same(
    remaining.sort((a, b) => a - b),
    Array.from({ length: LIMIT }, (_, i) => i),
  );
});

t.test('rate-limit headers', async (t) => {
  const { app } = await listening(t);
  const u = await createUser(app.db);
  const headersOf = (res: { headers: Record<string, unknown> }) => ({
    limit: res.headers['x-ratelimit-limit'],
    remaining: res.headers['x-ratelimit-remaining'],
    reset: Number(res.headers['x-ratelimit-reset']),
  });

  t.test('on every API response: success, validation error, auth error, unknown route', async (t) => {
    const responses = [
      await app.inject({ method: 'GET', url: '/1/ping', headers: bearer(u.token) }),
      await app.inject({ method: 'POST', url: '/1/profile/tokens', headers: bearer(u.token), payload: {} }),
      await app.inject({ method: 'GET', url: '/1/ping', headers: bearer('ikm_unknown') }),
      await app.inject({ method: 'GET', url: '/1/no/such/route' }),
    ];
    t.same(
      responses.map((r) => r.statusCode),
      [200, 422, 401, 404],
    );
    for (const res of responses) {
      const h = headersOf(res);
      t.equal(h.limit, String(LIMIT), `limit on ${res.statusCode}`);
      t.match(h.remaining, /^\d+$/, `remaining on ${res.statusCode}`);
      t.ok(h.reset >= 1 && h.reset <= 60, `reset on ${res.statusCode} is seconds within the window`);
    }
  });

  t.test('remaining counts down per request', async (t) => {
    const v = await createUser(app.db);
    const a = await app.inject({ method: 'GET', url: '/1/ping', headers: bearer(v.token) });
    const b = await app.inject({ method: 'GET', url: '/1/ping', headers: bearer(v.token) });
    t.equal(a.headers['x-ratelimit-remaining'], String(LIMIT - 1));
    t.equal(b.headers['x-ratelimit-remaining'], String(LIMIT - 2));
  });
});

t.test('budgets are per token, and per IP without a valid token', async (t) => {
  t.test('different tokens have separate budgets', async (t) => {
    const { app, url } = await listening(t);
    const a = await createUser(app.db);
    const b = await createUser(app.db);
    const first = await burst(`${url}/1/ping`, LIMIT + 5, bearer(a.token));
    t.equal(count(first, 429), 5, 'token A exhausted');
    const other = await app.inject({ method: 'GET', url: '/1/ping', headers: bearer(b.token) });
    t.equal(other.statusCode, 200, 'token B unaffected');
    t.equal(other.headers['x-ratelimit-remaining'], String(LIMIT - 1));
    // Two tokens of the same user are two budgets too: the limiter keys on the token.
    const sameUserToken = await app.inject({
      method: 'POST',
      url: '/1/profile/tokens',
      headers: bearer(b.token),
      payload: { name: 'second', scopes: ['accounts'] },
    });
    t.equal(sameUserToken.headers['x-ratelimit-remaining'], String(LIMIT - 2));
    const second = await app.inject({
      method: 'GET',
      url: '/1/ping',
      headers: bearer(sameUserToken.json().data.token),
    });
    t.equal(second.headers['x-ratelimit-remaining'], String(LIMIT - 1));
  });

  t.test('unauthenticated requests are limited per IP, and bad tokens cannot bypass it', async (t) => {
    const { app, url } = await listening(t);
    const u = await createUser(app.db);
    // Each request carries a different bad token, as a guessing attacker would.
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const res = await fetch(`${url}/1/ping`, { headers: bearer(`ikm_guess${i}`) });
        return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
      }),
    );
    t.equal(count(results, 401), LIMIT, 'the first 60 are answered (401)');
    t.equal(count(results, 429), 100 - LIMIT, 'the rest are refused before authentication matters');
    t.ok(results.every((r) => r.code === (r.status === 401 ? 'not_authorized' : 'too_many_requests')));
    const noToken = await fetch(`${url}/1/ping`);
    t.equal(noToken.status, 429, 'a request without any token shares the IP budget');
    // A valid token from the same IP has its own budget.
    const good = await fetch(`${url}/1/ping`, { headers: bearer(u.token) });
    t.equal(good.status, 200);
  });

  t.test('/healthz is never limited and carries no rate-limit headers', async (t) => {
    const { url } = await listening(t);
    const results = await burst(`${url}/1/ping`, LIMIT + 1);
    t.equal(count(results, 429), 1, 'the IP budget is exhausted');
    for (const path of ['/healthz', '/readyz']) {
      const probes = await burst(`${url}${path}`, 5);
      for (const res of probes) {
        t.equal(res.status, 200, path);
        t.equal(res.headers.get('x-ratelimit-limit'), null, `${path} has no limit header`);
        t.equal(res.headers.get('x-ratelimit-remaining'), null);
        t.equal(res.headers.get('retry-after'), null);
      }
    }
  });
});

t.test('the limit is exact under concurrency (Redis store)', async (t) => {
  const store = await redisStore(t, freshPrefix());
  const { app, url } = await listening(t, { rateLimitStore: store });
  const u = await createUser(app.db);
  const results = await burst(`${url}/1/ping`, 100, bearer(u.token));
  t.equal(count(results, 200), LIMIT);
  t.equal(count(results, 429), 100 - LIMIT);
  for (const r of results.filter((x) => x.status === 429)) t.match(r.headers.get('retry-after'), /^[1-9]\d*$/);
});

t.test('two instances sharing Redis share one budget', async (t) => {
  const prefix = freshPrefix();
  const one = await listening(t, { rateLimitStore: await redisStore(t, prefix) });
  // The same database (as in production), so the token is the same token on both instances.
  const two = await listening(t, { rateLimitStore: await redisStore(t, prefix), database: one.app.database });
  const u = await createUser(one.app.db);
  const [a, b] = await Promise.all([
    burst(`${one.url}/1/ping`, 50, bearer(u.token)),
    burst(`${two.url}/1/ping`, 50, bearer(u.token)),
  ]);
  t.equal(count(a, 200) + count(b, 200), LIMIT, 'exactly 60 in total');
  t.equal(count(a, 429) + count(b, 429), 100 - LIMIT);
  t.ok(count(a, 200) > 0 && count(b, 200) > 0, 'both instances served some');
});

/** An app whose limit is `max`, on a database of its own unless given one. */
async function limitedTo(t: Tap, max: number, opts: TestAppOptions = {}): Promise<App> {
  return buildTestApp(t, { ...opts, config: { ...opts.config, RATE_LIMIT_MAX: max } });
}

const ping = (app: App, token?: string) =>
  app.inject({ method: 'GET', url: '/1/ping', headers: token ? bearer(token) : {} });
const admin = (app: App, url: string, payload: object = {}) =>
  app.inject({ method: 'POST', url, headers: bearer(ADMIN_TOKEN), payload });

t.test("a token that takes an id back after a snapshot restore is not limited by the old one's count", async (t) => {
  const app = await limitedTo(t, 2);
  t.equal((await admin(app, '/_mirror/snapshots', { name: 'before' })).statusCode, 201);
  const old = await createUser(app.db);
  await ping(app, old.token);
  await ping(app, old.token);
  t.equal((await ping(app, old.token)).statusCode, 429, 'the old token spent its budget');

  t.equal((await admin(app, '/_mirror/snapshots/before/restore')).statusCode, 200);
  const reborn = await createUser(app.db);
  t.equal(reborn.tokenId, old.tokenId, "the new token has the old one's id");
  const res = await ping(app, reborn.token);
  t.equal(res.statusCode, 200);
  t.equal(res.headers['x-ratelimit-remaining'], '1', 'a whole budget of its own');
});

t.test('deployments on two databases sharing one Redis count apart: the same token ids, tokens and IP', async (t) => {
  const prefix = freshPrefix();
  const apps = [
    await limitedTo(t, 2, { rateLimitStore: await redisStore(t, prefix) }),
    await limitedTo(t, 2, { rateLimitStore: await redisStore(t, prefix) }),
  ];
  // The same fixture on both: the same users, token ids and even token secrets.
  const tokens = await Promise.all(
    apps.map(
      async (app) => (await admin(app, '/_mirror/seed', { fixture: 'demo' })).json().data.users[0].token as string,
    ),
  );
  t.equal(tokens[0], tokens[1], 'the same token on both');
  const [one, two] = apps as [App, App];
  await ping(one, tokens[0]);
  await ping(one, tokens[0]);
  t.equal((await ping(one, tokens[0])).statusCode, 429, 'spent on the first deployment');
  const other = await ping(two, tokens[0]);
  t.equal(other.statusCode, 200, 'not on the second');
  t.equal(other.headers['x-ratelimit-remaining'], '1');

  await ping(one);
  await ping(one);
  t.equal((await ping(one)).statusCode, 429, "the IP's budget spent on the first deployment");
  const anonymous = await ping(two);
  t.equal(anonymous.statusCode, 401, 'not on the second');
  t.equal(anonymous.headers['x-ratelimit-remaining'], '1');
});

t.test(
  "Redis keys start with RATE_LIMIT_PREFIX and the database's id: the request limit, per token and per IP, and the sign-in throttle",
  async (t) => {
    const prefix = freshPrefix();
    const redis = new Redis(REDIS_URL);
    t.teardown(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    });
    const app = await buildTestApp(t, { config: { REDIS_URL, RATE_LIMIT_PREFIX: prefix } });
    const u = await createUser(app.db);
    const client = await registerClient(app, u.token);
    await ping(app);
    const browser = new Browser(app);
    const url = authorizeUrl({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    });
    const page = await browser.get(url);
    t.equal(
      (await browser.post(url, { step: 'sign_in', csrf: csrfOf(page.body), email: u.email, password: 'wrong' }))
        .statusCode,
      401,
    );

    const { value: databaseId } = await app.db
      .selectFrom('mirror_secrets')
      .select('value')
      .where('name', '=', 'rate_limit_scope')
      .executeTakeFirstOrThrow();
    const scope = `${prefix}rl:${databaseId}:`;
    t.same((await redis.keys(`${prefix}*`)).sort(), [
      `${scope}ip:127.0.0.1`,
      `${scope}signin-ip:127.0.0.1`,
      `${scope}t:${hashToken(u.token).slice(0, 32)}`,
    ]);
  },
);

t.test('MemoryStore counts every concurrent hit exactly once', async (t) => {
  // @fastify/rate-limit's memory store is said to miscount hits in the same tick; ours must not.
  const store = new MemoryStore();
  t.teardown(() => store.close());
  const hits = await Promise.all(Array.from({ length: 1000 }, () => store.hit('k', 60_000)));
  t.same(
    hits.map((h) => h.count).sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i + 1),
  );
  t.ok(
    hits.every((h) => h.resetInMs > 0 && h.resetInMs <= 60_000),
    'every hit knows when the window resets',
  );
  const other = await store.hit('another key', 60_000);
  t.equal(other.count, 1, 'keys are counted apart');
});

t.test('MemoryStore starts a new window once the old one is over', async (t) => {
  // The store's clock is the test's: time moves only when the test says so.
  let now = 1_000_000;
  const store = new MemoryStore({ now: () => now });
  t.teardown(() => store.close());
  t.same(await store.hit('k', 50), { count: 1, resetInMs: 50 });
  now += 49;
  t.same(await store.hit('k', 50), { count: 2, resetInMs: 1 }, 'the last millisecond of the window still counts in it');
  t.equal(await store.peek('k'), 2);
  now += 1;
  t.equal(await store.peek('k'), 0, 'over at its end');
  t.same(await store.hit('k', 50), { count: 1, resetInMs: 50 }, 'a new window from the first hit after it');
});

t.test('RedisStore counts every concurrent hit exactly once', async (t) => {
  const store = await redisStore(t, freshPrefix());
  const hits = await Promise.all(Array.from({ length: 1000 }, () => store.hit('k', 60_000)));
  t.same(
    hits.map((h) => h.count).sort((a, b) => a - b),
    Array.from({ length: 1000 }, (_, i) => i + 1),
  );
  t.ok(
    hits.every((h) => h.resetInMs > 0 && h.resetInMs <= 60_000),
    'the key expires within the window',
  );
});

t.test('a store that is down lets requests through, unlimited, and says so in the log', async (t) => {
  const down = {
    hit: () => Promise.reject(new Error('connection refused')),
    peek: () => Promise.resolve(0),
    close: () => Promise.resolve(),
  };
  const app = await buildTestApp(t, { database, rateLimitStore: down, config: { RATE_LIMIT_MAX: 1 } });
  const warnings: string[] = [];
  const warn = app.log.warn.bind(app.log);
  app.log.warn = (obj: unknown, msg?: string) => {
    warnings.push(String(msg));
    return warn(obj as never, msg as never);
  };
  const u = await createUser(app.db);
  const statuses = [];
  for (let i = 0; i < 3; i++)
    statuses.push((await app.inject({ method: 'GET', url: '/1/ping', headers: bearer(u.token) })).statusCode);
  t.same(statuses, [200, 200, 200], 'beyond the limit of 1: nothing is counted, nothing refused');
  t.ok(warnings.includes('rate-limit store unavailable; request let through'), 'each is logged');
});

t.test('the limiter is @fastify/rate-limit, counting on the shared store', async (t) => {
  const app = await buildTestApp(t, { database, config: { RATE_LIMIT_MAX: LIMIT } });
  t.ok(app.hasDecorator('rateLimit'), 'the library is registered');
  t.ok(app.hasPlugin('@fastify/rate-limit'));
});
