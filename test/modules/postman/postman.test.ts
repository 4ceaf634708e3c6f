import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { ADMIN_TOKEN, bearer, buildTestApp } from '../../helper.js';

// The Postman collection and environment: generated from the OpenAPI document, a folder per
// tag, Bearer auth from {{token}} at the collection level that every request needing a token
// inherits, a variable for every parameter defined in the environment with a default of the
// demo fixture, a test script per request; served by the server itself.

interface Auth {
  type: string;
  bearer?: { value: string }[];
}
interface Event {
  listen: string;
  script: { exec: string[] };
}
interface Request {
  method: string;
  url: { path: string[]; query?: { key: string; disabled?: boolean }[]; variable?: { key: string; value: string }[] };
  header?: { key: string; value: string; disabled?: boolean }[];
  auth?: Auth;
  body?: { raw?: string };
}
interface Item {
  name: string;
  item?: Item[];
  auth?: Auth;
  event?: Event[];
  request?: Request;
}
interface Collection {
  info: { name: string; schema: string };
  auth?: Auth;
  event?: Event[];
  variable: { key: string; value: string }[];
  item: Item[];
}
interface Environment {
  name: string;
  values: { key: string; value: string; type: string; enabled: boolean }[];
}
interface Doc {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security?: { bearerAuth?: unknown; mirrorAdmin?: unknown }[];
        responses: Record<string, unknown>;
      }
    >
  >;
}

/** Every request, with the auth it is sent with: its own, else its folder's, else the collection's. */
function requests(
  items: Item[],
  inherited: Auth | undefined,
): (Item & { request: Request; effectiveAuth: Auth | undefined })[] {
  return items.flatMap((i) =>
    i.item
      ? requests(i.item, i.auth ?? inherited)
      : [{ ...i, request: i.request!, effectiveAuth: i.request!.auth ?? inherited }],
  );
}
const operationOf = (doc: Doc, r: Request) => {
  const path = `/${r.url.path.map((s) => s.replace(/^:(.+)$/, '{$1}')).join('/')}`;
  return doc.paths[path]?.[r.method.toLowerCase()];
};
const bearerOf = (auth: Auth | undefined) => (auth?.type === 'bearer' ? auth.bearer?.[0]?.value : auth?.type);

/** The checks both the served and the committed collection pass. */
function checkCollection(t: Test, c: Collection, env: Environment, doc: Doc) {
  const all = requests(c.item, c.auth);
  const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
  t.equal(all.length, operations, 'a request per operation');
  t.match(
    c.auth,
    { type: 'bearer', bearer: [{ value: '{{token}}' }] },
    'Bearer from {{token}}, at the collection level',
  );

  // Auth: the API's operations send the collection's token, the control plane the admin token, public ones none.
  const wrongAuth = all.flatMap((r) => {
    const op = operationOf(doc, r.request);
    if (!op) return [`${r.name}: no operation`];
    const expected = !op.security ? 'noauth' : op.security.some((s) => s.mirrorAdmin) ? '{{adminToken}}' : '{{token}}';
    const sent = bearerOf(r.effectiveAuth);
    return sent === expected
      ? []
      : [`${r.request.method} /${r.request.url.path.join('/')}: ${sent} instead of ${expected}`];
  });
  t.same(wrongAuth, [], 'every request sends the token its operation asks for');
  t.ok(all.filter((r) => bearerOf(r.effectiveAuth) === '{{token}}').length > 80, 'most requests send {{token}}');

  // Variables: whatever the collection names, in {{…}} or in its scripts, the environment defines.
  const defined = new Set(env.values.map((v) => v.key));
  const text = JSON.stringify(c);
  const used = new Set([
    ...[...text.matchAll(/\{\{([^{}]+)\}\}/g)].map((m) => m[1]),
    ...[...text.matchAll(/pm\.(?:variables|environment|collectionVariables)\.(?:get|set)\('([^']+)'/g)].map(
      (m) => m[1],
    ),
  ]);
  t.ok(used.has('accountId') && used.has('token') && used.has('sandbox'), 'the variables are found');
  t.same(
    [...used].filter((v) => !defined.has(v)),
    [],
    'every variable used is defined in the environment',
  );
  t.notOk(text.includes('bearerToken'), 'no {{bearerToken}} anywhere');
  t.notOk(
    /<(integer|string|number|boolean)>/.test(
      all.map((r) => [r.request.body?.raw ?? '', ...(r.request.url.variable ?? []).map((v) => v.value)].join()).join(),
    ),
    'no placeholder in a path or a body',
  );
  t.same(
    all.filter((r) => r.request.url.query?.some((q) => !q.disabled)).map((r) => r.name),
    [],
    'optional query parameters are off',
  );
  const empty = env.values
    .filter((v) => v.value === '' && !['token', 'adminToken', 'sandbox'].includes(v.key))
    .map((v) => v.key);
  t.same(empty, [], 'every variable but the tokens and the sandbox has a default');

  // A test script per request, with the statuses its operation documents.
  const untested = all.flatMap((r) => {
    const op = operationOf(doc, r.request);
    const exec = r.event?.find((e) => e.listen === 'test')?.script.exec.join('\n') ?? '';
    const statuses = Object.keys(op?.responses ?? {})
      .map(Number)
      .sort((a, b) => a - b)
      .join(', ');
    return exec.includes(`const documented = [${statuses}];`) && exec.includes('pm.response.json().result')
      ? []
      : [r.name];
  });
  t.same(untested, [], 'every request tests its status against the documented ones and its envelope');
  return all;
}

t.test('served: the collection of this server, with its address', async (t) => {
  const app = await buildTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/openapi/postman_collection.json' });
  t.equal(res.statusCode, 200);
  const c = res.json<Collection>();
  t.equal(c.info.name, 'ik-mirror');
  t.match(c.info.schema, /v2\.1\.0/);
  t.match(c.variable, [
    { key: 'baseUrl', value: 'http://localhost:80' },
    { key: 'token' },
    { key: 'adminToken' },
    { key: 'sandbox', value: '' },
  ]);
  // The script the curated flows run in two sandboxes in CI (newman): the same lines here.
  const flows = JSON.parse(readFileSync('test/postman/flows.postman_collection.json', 'utf8')) as { event: Event[] };
  t.same(c.event, flows.event, 'a pre-request script sends X-Mirror-Sandbox when {{sandbox}} is set');
  t.match(flows.event[0].script.exec.join('\n'), /X-Mirror-Sandbox/);
  const folders = c.item.map((i) => i.name);
  for (const tag of ['Profile', 'Billing', 'Billing > Auto-renewal', 'Mirror control plane'])
    t.ok(
      folders.some((f) => f.startsWith(tag.split(' >')[0])),
      `a folder for ${tag}`,
    );

  const env = (await app.inject({ method: 'GET', url: '/openapi/postman_environment.json' })).json<Environment>();
  t.match(env, {
    name: 'ik-mirror (local)',
    values: [
      { key: 'baseUrl', value: 'http://localhost:80' },
      { key: 'token', type: 'secret' },
      { key: 'adminToken', type: 'secret' },
      { key: 'sandbox' },
    ],
  });
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
  const all = checkCollection(t, c, env, doc);

  const find = (method: string, path: string) =>
    all.find((r) => r.request.method === method && r.request.url.path.join('/') === path)!;
  t.equal(bearerOf(find('GET', '2/profile').effectiveAuth), '{{token}}', 'an authenticated request sends {{token}}');
  t.equal(find('GET', '2/profile').request.auth, undefined, '…inherited from the collection');
  t.equal(
    bearerOf(find('PUT', '_mirror/clock').effectiveAuth),
    '{{adminToken}}',
    'the control plane uses the admin token',
  );
  t.equal(bearerOf(find('GET', 'healthz').effectiveAuth), 'noauth', 'public routes send none');
  t.same(
    find('DELETE', '1/profile/tokens/:token_id').request.url.variable,
    [{ key: 'token_id', value: '{{newTokenId}}', type: 'any', disabled: false, description: '(Required) ' }],
    "revoking a token revokes the one the collection made, not the caller's",
  );
  const create = find('POST', '1/profile/tokens')
    .event!.find((e) => e.listen === 'test')!
    .script.exec.join('\n');
  t.match(
    create,
    /pm\.environment\.set\('newTokenId', String\(b\.data\.id\)\)/,
    'the token the collection makes is the one it revokes',
  );
});

t.test(
  "the environment's defaults point at the demo fixture: its read requests answer 200 on a seeded server",
  async (t) => {
    const app = await buildTestApp(t);
    const seeded = await app.inject({
      method: 'POST',
      url: '/_mirror/seed',
      headers: bearer(ADMIN_TOKEN),
      payload: { fixture: 'demo' },
    });
    t.equal(seeded.statusCode, 200, 'the demo fixture seeded');
    const alice = seeded
      .json<{ data: { users: { key: string; token: string }[] } }>()
      .data.users.find((u) => u.key === 'alice')!.token;
    const c = (await app.inject({ method: 'GET', url: '/openapi/postman_collection.json' })).json<Collection>();
    const env = (await app.inject({ method: 'GET', url: '/openapi/postman_environment.json' })).json<Environment>();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
    const values = new Map(env.values.map((v) => [v.key, v.value]));
    values.set('token', alice).set('adminToken', ADMIN_TOKEN);
    const resolve = (s: string) => s.replace(/\{\{([^{}]+)\}\}/g, (_, v: string) => values.get(v) ?? `{{${v}}}`);
    // Objects the collection makes as it runs (their defaults are the ids they get on a fresh
    // seed) or that the demo has none of: those requests may answer 404.
    const made =
      /\{\{(tagId|orderId|paymentId|invitationId|invitationKey|oauthClientId|applicationPasswordId|phoneId|sessionId|taskUuid|faultId|snapshotName|sandboxName|new\w+)\}\}/;
    const reads = requests(c.item, c.auth).filter(
      (r) => r.request.method === 'GET' && !r.request.url.path.some((s) => s === 'pdf'),
    );
    const refused: string[] = [];
    let checked = 0;
    for (const r of reads) {
      const path = r.request.url.path
        .map((s) => (s.startsWith(':') ? r.request.url.variable!.find((v) => v.key === s.slice(1))!.value : s))
        .join('/');
      if (made.test(path)) continue;
      const auth = bearerOf(r.effectiveAuth);
      const headers = auth === 'noauth' ? {} : bearer(resolve(auth!));
      const res = await app.inject({ method: 'GET', url: `/${resolve(path)}`, headers });
      const op = operationOf(doc, r.request);
      checked++;
      // Only support staff may list the open grants; the collection's token is Alice's.
      const expected = op.operationId === 'listOpenSupportGrants' ? 403 : 200;
      if (res.statusCode !== expected)
        refused.push(`GET /${resolve(path)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (!(String(res.statusCode) in op.responses))
        refused.push(`GET /${resolve(path)}: ${res.statusCode} is not documented`);
    }
    t.ok(checked > 40, `${checked} read requests checked`);
    t.same(refused, [], 'each answers as on the demo fixture');
  },
);

t.test('committed: the same collection, for the default address', async (t) => {
  const app = await buildTestApp(t);
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
  const committed = JSON.parse(readFileSync('openapi/postman_collection.json', 'utf8')) as Collection;
  t.match(committed.variable, [{ key: 'baseUrl', value: 'http://127.0.0.1:3000' }]);
  const env = JSON.parse(readFileSync('openapi/postman_environment.json', 'utf8')) as Environment;
  t.equal(env.values[0].value, 'http://127.0.0.1:3000');
  checkCollection(t, committed, env, doc);
});
