import { once } from 'node:events';
import { connect, type AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { bearer, buildTestApp, testDatabase } from '../helper.js';
import { createUser } from '../factories/users.js';

// The HTTP server's settings: its timeouts, and the proxies whose X-Forwarded-For it believes
// (which makes `req.ip`, for the per-IP limits and the activity log).

const database = await testDatabase(t);

type Tap = Parameters<typeof buildTestApp>[0];
type App = Awaited<ReturnType<typeof buildTestApp>>;

/** A request whose headers never end. */
const STALLED_HEADERS = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n';

/** Sends `bytes` on a connection of its own and reads until the server closes it. */
async function exchange(t: Tap, app: App, bytes: string): Promise<{ closed: boolean; answer: string }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  let answer = '';
  socket.on('data', (d: Buffer) => {
    answer += d.toString();
  });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(bytes);
  // The 10 s only bound a failure (a connection never closed): a pass takes milliseconds.
  const closed = await Promise.race([once(socket, 'close').then(() => true), delay(10_000, false, { ref: false })]);
  return { closed, answer };
}

t.test('the settings as read from the environment at boot', async (t) => {
  const defaults = loadConfig({});
  t.match(defaults, {
    REQUEST_TIMEOUT_MS: 30_000,
    HEADERS_TIMEOUT_MS: 10_000,
    KEEP_ALIVE_TIMEOUT_MS: 5_000,
    CONNECTION_TIMEOUT_MS: 120_000,
    TRUST_PROXY: 'false',
    RATE_LIMIT_PREFIX: 'ikm:',
  });
  t.match(
    loadConfig({
      REQUEST_TIMEOUT_MS: '0',
      HEADERS_TIMEOUT_MS: '90000',
      CONNECTION_TIMEOUT_MS: '0',
      RATE_LIMIT_PREFIX: '',
    }),
    {
      REQUEST_TIMEOUT_MS: 0,
      HEADERS_TIMEOUT_MS: 90_000,
      CONNECTION_TIMEOUT_MS: 0,
      RATE_LIMIT_PREFIX: '',
    },
    '0 turns a timeout off; without a request timeout the headers may take any time',
  );
  for (const value of [
    'true',
    'false',
    '10.0.0.1',
    ' 10.0.0.0/8 , fd00::/8,::1 ',
    'loopback,linklocal,uniquelocal',
    '192.0.2.0/32',
  ]) {
    t.equal(loadConfig({ TRUST_PROXY: value }).TRUST_PROXY, value, `TRUST_PROXY=${value} is accepted`);
  }
  const refused: [Record<string, string>, RegExp][] = [
    [{ TRUST_PROXY: '1' }, /TRUST_PROXY: a number of hops is not accepted/],
    [{ TRUST_PROXY: 'yes' }, /TRUST_PROXY: "yes" is not/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY: "10.0.0.0\/33"/],
    [{ TRUST_PROXY: '10.0.0.0/0' }, /TRUST_PROXY: "10.0.0.0\/0"/],
    [{ TRUST_PROXY: '10.0.0.1,,10.0.0.2' }, /TRUST_PROXY: ""/],
    [{ TRUST_PROXY: '10.0.0.256' }, /TRUST_PROXY/],
    [{ HEADERS_TIMEOUT_MS: '40000' }, /HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS/],
    [{ KEEP_ALIVE_TIMEOUT_MS: '0' }, /KEEP_ALIVE_TIMEOUT_MS/],
    [{ REQUEST_TIMEOUT_MS: '-1' }, /REQUEST_TIMEOUT_MS/],
    [{ CONNECTION_TIMEOUT_MS: 'soon' }, /CONNECTION_TIMEOUT_MS/],
    [{ RATE_LIMIT_PREFIX: 'with space:' }, /RATE_LIMIT_PREFIX/],
  ];
  for (const [env, message] of refused)
    t.throws(() => loadConfig(env), { message }, `${JSON.stringify(env)} is refused`);
});

t.test('timeouts', async (t) => {
  t.test("the defaults, and the configured values, are the server's", async (t) => {
    const timeoutsOf = (server: {
      requestTimeout: number;
      headersTimeout: number;
      keepAliveTimeout: number;
      timeout: number;
    }) => ({
      request: server.requestTimeout,
      headers: server.headersTimeout,
      keepAlive: server.keepAliveTimeout,
      connection: server.timeout,
    });
    const byDefault = await buildTestApp(t, { database });
    t.same(timeoutsOf(byDefault.server), { request: 30_000, headers: 10_000, keepAlive: 5_000, connection: 120_000 });
    const configured = await buildTestApp(t, {
      database,
      config: {
        REQUEST_TIMEOUT_MS: 20_000,
        HEADERS_TIMEOUT_MS: 7_000,
        KEEP_ALIVE_TIMEOUT_MS: 65_000,
        CONNECTION_TIMEOUT_MS: 0,
      },
    });
    t.same(timeoutsOf(configured.server), { request: 20_000, headers: 7_000, keepAlive: 65_000, connection: 0 });
  });

  t.test('over HTTP: a kept-alive connection is told how long it may idle', async (t) => {
    const app = await buildTestApp(t, { database });
    const res = await fetch(`${await app.listen({ port: 0, host: '127.0.0.1' })}/healthz`);
    t.equal(res.status, 200);
    t.equal(res.headers.get('keep-alive'), 'timeout=5');
  });

  t.test(
    'over HTTP: a connection that stalls is closed once it has been silent for CONNECTION_TIMEOUT_MS',
    async (t) => {
      const app = await buildTestApp(t, { database, config: { CONNECTION_TIMEOUT_MS: 50 } });
      t.same(await exchange(t, app, STALLED_HEADERS), { closed: true, answer: '' }, 'closed, unanswered');
    },
  );

  t.test('over HTTP: headers not received within HEADERS_TIMEOUT_MS are answered 408, in the envelope', async (t) => {
    const app = await buildTestApp(t, { database, config: { REQUEST_TIMEOUT_MS: 200, HEADERS_TIMEOUT_MS: 50 } });
    const { closed, answer } = await exchange(t, app, STALLED_HEADERS);
    t.ok(closed);
    t.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    t.same(JSON.parse(answer.split('\r\n\r\n')[1]), {
      result: 'error',
      error: { code: 'bad_request', description: 'The request was not received in time' },
    });
  });
});

t.test('over HTTP: malformed HTTP is answered 400, in the envelope', async (t) => {
  const app = await buildTestApp(t, { database });
  const { closed, answer } = await exchange(t, app, 'NOT HTTP AT ALL\r\n\r\n');
  t.ok(closed);
  t.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
  t.same(JSON.parse(answer.split('\r\n\r\n')[1]), {
    result: 'error',
    error: { code: 'bad_request', description: 'Malformed HTTP request' },
  });
});

t.test('TRUST_PROXY', async (t) => {
  /** An unauthenticated request (401, limited per IP) from `remoteAddress`, saying it forwards for `forwardedFor`. */
  const from = (app: App, remoteAddress: string, forwardedFor: string) =>
    app
      .inject({ method: 'GET', url: '/1/ping', remoteAddress, headers: { 'x-forwarded-for': forwardedFor } })
      .then((r) => r.statusCode);

  t.test('unset, X-Forwarded-For is not believed: every client behind a proxy is the proxy', async (t) => {
    const app = await buildTestApp(t, { database, config: { RATE_LIMIT_MAX: 1 } });
    t.equal(await from(app, '10.0.0.2', '203.0.113.1'), 401);
    t.equal(await from(app, '10.0.0.2', '203.0.113.2'), 429, 'another client, the same budget');
  });

  t.test('the listed proxies are believed, and only they: each client behind them has its own budget', async (t) => {
    const app = await buildTestApp(t, { database, config: { RATE_LIMIT_MAX: 1, TRUST_PROXY: '10.0.0.0/24, fd00::1' } });
    t.equal(await from(app, '10.0.0.2', '203.0.113.1'), 401);
    t.equal(await from(app, '10.0.0.2', '203.0.113.2'), 401, 'another client, another budget');
    t.equal(await from(app, 'fd00::1', '203.0.113.3'), 401, 'and another, through another listed proxy');
    t.equal(
      await from(app, '10.0.0.3', '203.0.113.1'),
      429,
      "the first client's budget is spent, through whichever proxy",
    );
    t.equal(await from(app, '198.51.100.7', '203.0.113.4'), 401, 'a client that is not a listed proxy');
    t.equal(await from(app, '198.51.100.7', '203.0.113.5'), 429, 'is counted as itself, whatever it forwards for');
  });

  t.test('true believes any proxy: the client is the first address of the chain', async (t) => {
    const app = await buildTestApp(t, { database, config: { RATE_LIMIT_MAX: 1, TRUST_PROXY: 'true' } });
    t.equal(await from(app, '10.9.9.9', '203.0.113.1, 10.0.0.7'), 401);
    t.equal(await from(app, '10.8.8.8', '203.0.113.2, 10.0.0.7'), 401, 'another client');
    t.equal(await from(app, '10.7.7.7', '203.0.113.1'), 429, 'the first client again, through another proxy');
  });

  t.test("the activity log records the client's address, not the proxy's", async (t) => {
    const app = await buildTestApp(t, { database, config: { TRUST_PROXY: 'loopback, linklocal, uniquelocal' } });
    const u = await createUser(app.db);
    const created = await app.inject({
      method: 'POST',
      url: '/1/profile/tokens',
      remoteAddress: '127.0.0.1',
      headers: { ...bearer(u.token), 'x-forwarded-for': '203.0.113.9' },
      payload: { name: 'behind a proxy', scopes: ['user_info'] },
    });
    t.equal(created.statusCode, 201);
    const logs = (await app.inject({ method: 'GET', url: '/2/profile/logs', headers: bearer(u.token) })).json()
      .data as { action: string; ip: string }[];
    t.match(
      logs.find((l) => l.action === 'api_token_created'),
      { ip: '203.0.113.9' },
    );
  });
});
