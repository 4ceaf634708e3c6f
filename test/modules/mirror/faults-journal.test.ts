import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, call, type Method, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';

// Faults on demand (rules and the per-request header) and the request journal.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const admin = (method: Method, url: string, payload?: object) => call(app, ADMIN_TOKEN, method, url, payload);
const user = await createUser(app.db);
const profile = (headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/2/profile', headers: { ...bearer(user.token), ...headers } });

t.afterEach(async () => {
  await admin('DELETE', '/_mirror/faults');
  await admin('PUT', '/_mirror/faults/header', { enabled: false });
});

t.test('a rule answers an error for matching requests only', async (t) => {
  const rule = (await admin('POST', '/_mirror/faults', { method: 'GET', path: '/2/*', status: 503 })).json().data;
  t.match(rule, { method: 'GET', path: '/2/*', status: 503, probability: 1, hits: 0 });
  const res = await profile();
  t.equal(res.statusCode, 503);
  t.match(res.json(), { result: 'error', error: { context: { injected: true } } });
  t.equal(
    (await app.inject({ method: 'GET', url: '/1/accounts', headers: bearer(user.token) })).statusCode,
    200,
    '/1/… does not match /2/*',
  );
  t.equal(
    (await app.inject({ method: 'GET', url: '/2/profile/emails', headers: bearer(user.token) })).statusCode,
    200,
    '* stays within a segment',
  );
  t.match((await admin('GET', '/_mirror/faults')).json().data, [{ id: rule.id, hits: 1 }]);
  t.same((await admin('DELETE', `/_mirror/faults/${rule.id}`)).json(), { result: 'success', data: true });
  t.equal((await profile()).statusCode, 200, 'gone');
  t.equal((await admin('DELETE', `/_mirror/faults/${rule.id}`)).statusCode, 404);
});

t.test('an error code, a token, a probability, a delay', async (t) => {
  await admin('POST', '/_mirror/faults', { path: '/2/profile', error_code: 'too_many_requests', token: user.token });
  const limited = await profile();
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().error.code, 'too_many_requests');
  const other = await createUser(app.db);
  t.equal(
    (await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(other.token) })).statusCode,
    200,
    'another token is not affected',
  );
  await admin('DELETE', '/_mirror/faults');

  await admin('POST', '/_mirror/faults', { path: '/**', status: 500, probability: 0 });
  t.equal((await profile()).statusCode, 200, 'probability 0 never fires');
  await admin('DELETE', '/_mirror/faults');
  await admin('POST', '/_mirror/faults', { path: '/2/profile', delay_ms: 150 });
  const started = Date.now();
  t.equal((await profile()).statusCode, 200, 'a delay, then the real answer');
  t.ok(Date.now() - started >= 140, 'it waited');
  t.same(failedAttributes((await admin('POST', '/_mirror/faults', { path: '/x', status: 200 })).json()), ['status']);
  t.same(failedAttributes((await admin('POST', '/_mirror/faults', { status: 500 })).json()), ['path']);
});

t.test("a rule's delay is at most 30 000 ms", async (t) => {
  t.equal((await admin('POST', '/_mirror/faults', { path: '/x', delay_ms: 30_000 })).statusCode, 201, 'the maximum');
  for (const field of ['delay_ms', 'delay_max_ms']) {
    const res = await admin('POST', '/_mirror/faults', { path: '/x', delay_ms: 10, [field]: 30_001 });
    t.equal(res.statusCode, 422, `${field}: ${res.body}`);
    t.match(res.json().error.errors, [{ code: 'validation_rule_max', context: { attribute: field } }]);
  }
});

t.test('the rules the control plane made meet every caller, with a token or without', async (t) => {
  await admin('POST', '/_mirror/faults', { path: '/2/profile', status: 503 });
  t.equal((await profile()).statusCode, 503, "a user's request");
  t.equal((await app.inject({ method: 'GET', url: '/2/profile' })).statusCode, 503, 'an anonymous one');
});

t.test('a dropped connection', async (t) => {
  await admin('POST', '/_mirror/faults', { path: '/2/profile', drop: true });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  await t.rejects(fetch(`${base}/2/profile`, { headers: bearer(user.token) }), 'the socket closes without an answer');
});

t.test(
  'the X-Mirror-Fault header is ignored unless the control plane switched it on or the admin token sends it',
  async (t) => {
    t.same(
      (await admin('GET', '/_mirror/faults/header')).json(),
      { result: 'success', data: { enabled: false } },
      'off to begin with',
    );
    for (const fault of ['status=503', 'drop', 'error=payment_declined', 'delay=99999999', 'nonsense']) {
      t.equal(
        (await profile({ 'x-mirror-fault': fault })).statusCode,
        200,
        `${fault}: a user's request is answered as if it had none`,
      );
      const anonymous = await app.inject({ method: 'GET', url: '/2/profile', headers: { 'x-mirror-fault': fault } });
      t.equal(anonymous.statusCode, 401, `${fault}: an anonymous one too`);
    }
    const byAdmin = await app.inject({
      method: 'GET',
      url: '/2/profile',
      headers: { ...bearer(ADMIN_TOKEN), 'x-mirror-fault': 'status=502' },
    });
    t.equal(byAdmin.statusCode, 502, "the admin token's own request meets it");
    const nearMiss = await app.inject({
      method: 'GET',
      url: '/2/profile',
      headers: { ...bearer(`${ADMIN_TOKEN}x`), 'x-mirror-fault': 'status=502' },
    });
    t.equal(nearMiss.statusCode, 401, 'a near miss of the admin token is nobody');

    const on = await admin('PUT', '/_mirror/faults/header', { enabled: true });
    t.same(on.json(), { result: 'success', data: { enabled: true } });
    t.same((await admin('GET', '/_mirror/faults/header')).json().data, { enabled: true });
    t.equal(
      (await profile({ 'x-mirror-fault': 'status=503' })).statusCode,
      503,
      "switched on: every caller's header counts",
    );
    t.equal(
      (await app.inject({ method: 'GET', url: '/2/profile', headers: { 'x-mirror-fault': 'status=503' } })).statusCode,
      503,
      "an anonymous one's too",
    );
    await admin('PUT', '/_mirror/faults/header', { enabled: false });
    t.equal((await profile({ 'x-mirror-fault': 'status=503' })).statusCode, 200, 'switched off again');
    t.same(failedAttributes((await admin('PUT', '/_mirror/faults/header', { enabled: 'yes' })).json()), ['enabled']);
    t.same(failedAttributes((await admin('PUT', '/_mirror/faults/header', {})).json()), ['enabled']);
    t.equal(
      (
        await app.inject({
          method: 'PUT',
          url: '/_mirror/faults/header',
          headers: bearer(user.token),
          payload: { enabled: true },
        })
      ).statusCode,
      401,
      "the switch is the control plane's",
    );
    t.equal((await profile({ 'x-mirror-fault': 'status=503' })).statusCode, 200, 'still off');
  },
);

t.test('a delay in the header is at most 30 000 ms', async (t) => {
  const withAdmin = (fault: string) =>
    app.inject({ method: 'GET', url: '/1/languages', headers: { ...bearer(ADMIN_TOKEN), 'x-mirror-fault': fault } });
  for (const fault of ['delay=30001', 'delay=99999999', `delay=${'9'.repeat(400)}`, 'delay=10-30001']) {
    const res = await withAdmin(fault);
    t.equal(res.statusCode, 400, `${fault}: refused at once`);
    t.match(res.json().error, { code: 'bad_request', description: /30000/ });
  }
});

t.test('the X-Mirror-Fault header, per request, once switched on', async (t) => {
  await admin('PUT', '/_mirror/faults/header', { enabled: true });
  t.equal((await profile({ 'x-mirror-fault': 'status=502' })).statusCode, 502);
  t.equal((await profile({ 'x-mirror-fault': 'error=object_not_found' })).json().error.code, 'object_not_found');
  t.equal((await profile({ 'x-mirror-fault': 'delay=10-20' })).statusCode, 200);
  t.equal((await profile({ 'x-mirror-fault': 'nonsense' })).statusCode, 400);
  t.equal((await profile()).statusCode, 200, 'only that request');
  const off = await buildTestApp(t, { database, config: { MIRROR_ADMIN_TOKEN: undefined } });
  t.equal(
    (
      await off.inject({
        method: 'GET',
        url: '/2/profile',
        headers: { ...bearer(user.token), 'x-mirror-fault': 'status=502' },
      })
    ).statusCode,
    200,
    'ignored with the control plane off',
  );
});

t.test('the journal: what was sent, answered, refused and why', async (t) => {
  await admin('DELETE', '/_mirror/requests');
  await profile();
  await app.inject({
    method: 'POST',
    url: `/1/accounts/${user.accountId}/tags`,
    headers: bearer(user.token),
    payload: { name: '' },
  });
  await app.inject({ method: 'GET', url: '/2/profile' });
  const all = (await admin('GET', '/_mirror/requests')).json().data;
  t.equal(all.length, 3, "the control plane's own calls are left out");
  t.match(all[0], { method: 'GET', path: '/2/profile', status: 401, token_id: null, error_code: 'not_authorized' });
  t.match(all[1], {
    method: 'POST',
    route: '/1/accounts/:account_id/tags',
    status: 422,
    token_id: user.tokenId,
    error_code: 'validation_failed',
    validation_errors: [{ context: { attribute: 'name' } }],
  });
  t.match(all[2], { method: 'GET', status: 200, token_id: user.tokenId, validation_errors: null });
  t.type(all[2].duration_ms, 'number');
  t.match(all[2].request_id, /.+/);
  t.same(
    (await admin('GET', '/_mirror/requests?status=422')).json().data.map((e: { method: string }) => e.method),
    ['POST'],
  );
  t.equal((await admin('GET', '/_mirror/requests?path=tags&method=post')).json().data.length, 1);
  t.equal((await admin('GET', '/_mirror/requests?limit=1')).json().data.length, 1);
  t.same((await admin('DELETE', '/_mirror/requests')).json(), { result: 'success', data: true });
  t.same((await admin('GET', '/_mirror/requests')).json().data, []);
});
