import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp } from '../helper.js';

// What passed validation and answered 500 further down: a NUL character (Postgres refuses it
// in text), an integer beyond a bigint, an id written in hex or exponent form that Ajv's
// coercion read as a number. Each is a 422 naming the field.

const app = await buildTestApp(t);
const seeded = (
  await app.inject({ method: 'POST', url: '/_mirror/seed', headers: bearer(ADMIN_TOKEN), payload: { fixture: 'demo' } })
).json().data;
const alice = bearer(seeded.users[0].token);
const acme = seeded.organisations[0];

interface FieldError {
  code: string;
  context: { attribute: string; values?: unknown[] };
}
const refused = (res: { statusCode: number; json(): { error: { code: string; errors?: FieldError[] } } }) => ({
  status: res.statusCode,
  code: res.json().error.code,
  errors: res.json().error.errors?.map((e) => ({ code: e.code, context: e.context })),
});
const get = (url: string) => app.inject({ method: 'GET', url, headers: alice });

t.test('a NUL character is refused wherever it is, naming the field', async (t) => {
  const nul = { code: 'validation_rule_not_regex', context: { attribute: 'name' } };
  const body = await app.inject({
    method: 'POST',
    url: '/1/profile/tokens',
    headers: alice,
    payload: { name: 'a\u0000b', scopes: ['accounts'] },
  });
  t.same(refused(body), { status: 422, code: 'validation_failed', errors: [nul] }, 'in a body field');
  const nested = await app.inject({
    method: 'POST',
    url: '/2/profile/applications/passwords',
    headers: alice,
    payload: { name: '\u0000' },
  });
  t.same(refused(nested).errors, [nul], "an application password's name");
  const query = await get('/1/countries?search=fr%00');
  t.same(
    refused(query),
    {
      status: 422,
      code: 'validation_failed',
      errors: [{ code: 'validation_rule_not_regex', context: { attribute: 'search' } }],
    },
    'in the query',
  );
  const path = await get('/1/oauth_clients/client%00id');
  t.same(
    refused(path),
    {
      status: 422,
      code: 'validation_failed',
      errors: [{ code: 'validation_rule_not_regex', context: { attribute: 'client_id' } }],
    },
    'in the path',
  );
  t.equal(
    (await get('/1/profile/tokens')).json().data.some((tok: { name: string }) => tok.name.includes('\u0000')),
    false,
    'no token was made',
  );
});

t.test('integers stay within a bigint, times within year 9999, and the bound is told', async (t) => {
  for (const url of [
    '/1/oauth_clients?skip=99999999999999999999',
    `/1/accounts/${acme.id}/payment_methods?skip=99999999999999999999`,
    '/1/accounts?skip=-99999999999999999999',
  ]) {
    const res = await get(url);
    const bound = url.includes('=-')
      ? { code: 'validation_rule_min', context: { attribute: 'skip', values: [0] } }
      : { code: 'validation_rule_max', context: { attribute: 'skip', values: [Number.MAX_SAFE_INTEGER] } };
    t.same(refused(res).errors, [bound], url);
  }
  t.equal(
    (await get(`/1/oauth_clients?skip=${Number.MAX_SAFE_INTEGER}`)).statusCode,
    200,
    'the bound itself is a skip',
  );
  const far = await get(`/1/accounts/${acme.id}/invoices?due_from=99999999999999`);
  t.same(
    refused(far).errors,
    [{ code: 'validation_rule_max', context: { attribute: 'due_from', values: [253_402_300_799] } }],
    'a time past year 9999',
  );
  t.equal(
    (await get(`/1/accounts/${acme.id}/invoices?due_to=253402300799`)).statusCode,
    200,
    'the last second of 9999 is a time',
  );
  const body = await app.inject({
    method: 'PUT',
    url: '/_mirror/clock',
    headers: bearer(ADMIN_TOKEN),
    payload: { now: 1e20 },
  });
  t.equal(refused(body).errors?.[0]?.code, 'validation_rule_max', "a JSON body's integer too");
});

t.test('in a path or a query string an integer is decimal: 0x10, 1e3, 1.5 or " 5" is not one', async (t) => {
  const [visa] = Object.values(acme.payment_methods as Record<string, number>);
  t.equal(visa, 1, "the demo's first payment method is 1");
  for (const id of ['0x1', '1e0', '1.0', '%201', '1%20', '0b1', '1_0']) {
    const res = await app.inject({
      method: 'DELETE',
      url: `/1/accounts/${acme.id}/payment_methods/${id}`,
      headers: alice,
    });
    t.same(
      refused(res),
      {
        status: 422,
        code: 'validation_failed',
        errors: [{ code: 'validation_rule_integer', context: { attribute: 'payment_method' } }],
      },
      id,
    );
  }
  const methods = await get(`/1/accounts/${acme.id}/payment_methods`);
  t.ok(
    methods.json().data.some((m: { id: number }) => m.id === visa),
    'nothing was deleted',
  );
  const query = await get('/1/countries?per_page=0x10');
  t.same(
    refused(query).errors,
    [{ code: 'validation_rule_integer', context: { attribute: 'per_page' } }],
    'a query integer',
  );
  const list = await get(`/1/accounts/${acme.id}/teams?team_ids[]=1&team_ids[]=1e3`);
  t.same(
    refused(list).errors?.map((e) => e.code),
    ['validation_rule_integer'],
    'an item of a list of integers',
  );
  t.equal(
    (await get('/1/countries?per_page=%2B2&page=02')).statusCode,
    200,
    'a sign and leading zeros are still decimal',
  );
});

t.test('the OAuth endpoints, outside the document, refuse a NUL character in their own shapes', async (t) => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  for (const url of ['/token', '/token/revoke', '/token/introspect']) {
    const res = await app.inject({
      method: 'POST',
      url,
      headers: form,
      payload: 'grant_type=password&username=a%00b&password=x&client_id=%00&token=%00',
    });
    t.equal(res.statusCode, 400, url);
    t.equal(res.json().error, 'invalid_request', url);
  }
  const page = await app.inject({ method: 'GET', url: '/authorize?client_id=a%00b&redirect_uri=x&response_type=code' });
  t.equal(page.statusCode, 400);
  t.match(page.headers['content-type'], /^text\/html/);
  t.match(page.body, /client_id holds a NUL character/);
});
