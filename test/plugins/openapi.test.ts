import t from 'tap';
import { dereferenced } from '../../src/shared/openapi-dereference.js';
import { buildTestApp } from '../helper.js';

// The document at /openapi.json is generated from the routes: each operation must be fully
// described, errors included, so clients and Postman get the whole contract.

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
}

t.test('the OpenAPI document', async (t) => {
  const app = await buildTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  // Each operation read whole, the named types inlined.
  const doc = dereferenced(res.json<{ openapi: string; paths: Record<string, Record<string, Operation>> }>());
  t.equal(doc.openapi, '3.1.0');

  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
  t.ok(ops.length >= 25, `lists the operations (${ops.length})`);
  const ids = new Set<string>();

  for (const { path, method, op } of ops) {
    const name = `${method.toUpperCase()} ${path}`;
    t.ok(op.operationId, `${name} has an operationId`);
    t.notOk(ids.has(op.operationId!), `${name}: operationId is unique`);
    ids.add(op.operationId!);
    t.ok(op.tags?.length, `${name} has tags`);
    t.ok(op.summary, `${name} has a summary`);
    const statuses = Object.keys(op.responses);
    t.ok(
      statuses.some((s) => s.startsWith('2')),
      `${name} documents its success`,
    );
    t.ok(statuses.includes('500'), `${name} documents 500`);
    const errorBody = op.responses['500'].content!['application/json'].schema;
    t.ok(errorBody.properties?.error, `${name}: errors use the envelope`);
    const controlPlane = path.startsWith('/_mirror/');
    if (op.security) {
      // The control plane answers to one operator token (no scopes), is not rate limited, and is 404 when off.
      const expected = controlPlane ? ['401', '404'] : ['401', '403', '429'];
      for (const s of expected) t.ok(statuses.includes(s), `${name} documents ${s}`);
      t.same(
        op.security,
        [controlPlane ? { mirrorAdmin: [] } : { bearerAuth: [] }],
        `${name} names its security scheme`,
      );
    }
    if (op.requestBody) t.ok(statuses.includes('422') && statuses.includes('400'), `${name} documents 400 and 422`);
    if (path.includes('{')) t.ok(statuses.includes('404'), `${name} documents 404`);
  }
  t.ok(doc.paths['/2/profile']?.get?.security, 'authenticated routes declare the bearer scheme');
  t.notOk(doc.paths['/healthz']?.get?.security, 'health checks are public');
});

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
}
interface NamedDocument {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, Operation>>;
}
const schemaOf = (op: Operation, status: string) =>
  op.responses[status]?.content?.['application/json']?.schema as Schema;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

t.test('the named types: listed once under components, referred to by the operations', async (t) => {
  const app = await buildTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/openapi.json' });
  const doc = res.json<NamedDocument>();
  t.ok(res.rawPayload.length < 800_000, `the document is ${res.rawPayload.length} bytes`);
  const names = Object.keys(doc.components.schemas);
  // Upstream's names (reference/infomaniak-core-openapi.json) where upstream has the type.
  for (const name of [
    'ErrorResponse',
    'Account',
    'UserProfile',
    'Product',
    'Team',
    'TeamUser',
    'AccountInvitation',
    'User',
  ])
    t.ok(names.includes(name), `${name} is a component`);
  const getAccount = doc.paths['/1/accounts/{account_id}'].get;
  t.same(schemaOf(getAccount, '404'), ref('ErrorResponse'), 'an error answer is the ErrorResponse');
  t.same(schemaOf(getAccount, '200')?.properties?.data, ref('Account'), 'an organisation is an Account');
  t.same(
    doc.components.schemas.Account.properties?.addresses?.items,
    ref('Accountaddress'),
    'a component refers to the ones inside it',
  );
  t.notOk(JSON.stringify(doc).includes('"$id"'), 'no $id is left in the document');
  const referred = new Set([...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]));
  t.same(
    names.filter((n) => !referred.has(n)),
    [],
    'every component is referred to',
  );
});

t.test('Swagger UI is served at /docs', async (t) => {
  const app = await buildTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
});

t.test("Swagger UI: its scripts and the document it shows, the main app's", async (t) => {
  const app = await buildTestApp(t);
  const [page, bundle, json] = await Promise.all(
    ['/docs', '/docs/static/swagger-ui-bundle.js', '/docs/json'].map((url) => app.inject({ method: 'GET', url })),
  );
  t.equal(page.statusCode, 200, 'the page');
  t.match(page.headers['content-type'], /text\/html/);
  t.equal(bundle.statusCode, 200);
  t.match(bundle.headers['content-type'], /javascript/);
  t.ok(bundle.rawPayload.length > 500_000, 'the whole bundle');
  t.equal(json.statusCode, 200);
  t.same(
    json.json().paths,
    (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths,
    'the document is the one /openapi.json serves',
  );
  t.match(
    (await app.inject({ method: 'GET', url: '/docs/' })).headers,
    { 'x-content-type-options': 'nosniff' },
    "Helmet's headers on the pages",
  );
  const missing = await app.inject({ method: 'GET', url: '/docs/nothing-here' });
  t.equal(missing.statusCode, 404);
  t.match(missing.json(), { result: 'error', error: { code: 'method_not_found' } }, 'in the envelope');
});
