import t from 'tap';
import { bearer, buildTestApp } from '../helper.js';
import { createUser } from '../factories/users.js';

t.test('the error envelope', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);

  t.test('an unknown route is 404 method_not_found', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/1/no/such/thing', headers: bearer(u.token) });
    t.equal(res.statusCode, 404);
    t.same(res.json(), {
      result: 'error',
      error: { code: 'method_not_found', description: 'No route GET /1/no/such/thing' },
    });
  });

  t.test('malformed JSON is 400 bad_request', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/1/profile/tokens',
      headers: { ...bearer(u.token), 'content-type': 'application/json' },
      payload: '{"name":',
    });
    t.equal(res.statusCode, 400);
    t.equal(res.json().error.code, 'bad_request');
  });

  t.test('validation errors name each failing field', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/1/profile/tokens',
      headers: bearer(u.token),
      payload: { scopes: ['nope'], colour: 'red' },
    });
    t.equal(res.statusCode, 422);
    const body = res.json();
    t.equal(body.error.code, 'validation_failed');
    const byAttr = Object.fromEntries(
      body.error.errors.map((e: { context: { attribute: string }; code: string }) => [e.context.attribute, e.code]),
    );
    t.same(byAttr, {
      name: 'validation_rule_required',
      colour: 'validation_rule_prohibited',
      'scopes.0': 'validation_rule_in',
    });
  });

  t.test('a wrong type in a JSON body is refused, not coerced', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/1/profile/tokens',
      headers: bearer(u.token),
      payload: { name: 12, scopes: ['accounts'] },
    });
    t.equal(res.statusCode, 422);
    t.equal(res.json().error.errors[0].code, 'validation_rule_string');
  });

  t.test('what Fastify refuses itself is in the envelope, and does not quote the request', async (t) => {
    const answers = {
      'a path that does not decode': await app.inject({
        method: 'GET',
        url: '/1/accounts/%ZZ',
        headers: bearer(u.token),
      }),
      'a path parameter over the length limit': await app.inject({
        method: 'GET',
        url: `/1/accounts/${'7'.repeat(200)}`,
        headers: bearer(u.token),
      }),
      'a media type no route takes': await app.inject({
        method: 'POST',
        url: '/1/profile/tokens',
        headers: { ...bearer(u.token), 'content-type': 'text/x-secret' },
        payload: 'name',
      }),
      'a body over the limit': await app.inject({
        method: 'POST',
        url: '/1/profile/tokens',
        headers: { ...bearer(u.token), 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'x'.repeat(1_100_000) }),
      }),
    };
    const statuses = Object.fromEntries(Object.entries(answers).map(([what, res]) => [what, res.statusCode]));
    t.same(statuses, {
      'a path that does not decode': 400,
      'a path parameter over the length limit': 414,
      'a media type no route takes': 415,
      'a body over the limit': 413,
    });
    for (const [what, res] of Object.entries(answers)) {
      t.match(res.headers['content-type'], /^application\/json/, what);
      t.match(res.json(), { result: 'error', error: { code: 'bad_request', description: String } }, what);
      t.notMatch(res.body, /%ZZ|7777|x-secret/, `${what}: the request is not quoted`);
    }
  });

  t.test("every response carries a request id, and a caller's own id is kept", async (t) => {
    const res = await app.inject({
      method: 'GET',
      url: '/1/ping',
      headers: { ...bearer(u.token), 'x-request-id': 'abc-123' },
    });
    t.equal(res.headers['x-request-id'], 'abc-123');
    const other = await app.inject({ method: 'GET', url: '/1/nowhere' });
    t.match(other.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    const unsafe = await app.inject({
      method: 'GET',
      url: '/1/ping',
      headers: { ...bearer(u.token), 'x-request-id': 'bad id\u0001' },
    });
    t.not(unsafe.headers['x-request-id'], 'bad id\u0001');
  });
});
