import t from 'tap';
import { readFileSync } from 'node:fs';
import { buildTestApp } from '../../helper.js';

// The Postman collection and environment: generated from the OpenAPI document, a folder per
// tag, Bearer auth from {{token}} at the collection level, served by the server itself.

interface Item { name: string; item?: Item[]; request?: { method: string; url: { path: string[] }; auth?: { type: string; bearer?: { value: string }[] } } }
const requests = (items: Item[]): Item[] => items.flatMap((i) => (i.item ? requests(i.item) : [i]));

t.test('served: the collection of this server, with its address', async (t) => {
  const app = await buildTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/openapi/postman_collection.json' });
  t.equal(res.statusCode, 200);
  const c = res.json() as { info: { name: string; schema: string }; auth: { type: string; bearer: { value: string }[] }; variable: { key: string; value: string }[]; item: Item[] };
  t.equal(c.info.name, 'ik-mirror');
  t.match(c.info.schema, /v2\.1\.0/);
  t.match(c.auth, { type: 'bearer', bearer: [{ value: '{{token}}' }] }, 'Bearer from {{token}}, at the collection level');
  t.match(c.variable, [{ key: 'baseUrl', value: 'http://localhost:80' }, { key: 'token' }, { key: 'adminToken' }, { key: 'sandbox', value: '' }]);
  // The script the curated flows run in two sandboxes in CI (newman): the same lines here.
  const flows = JSON.parse(readFileSync('test/postman/flows.postman_collection.json', 'utf8')) as { event: { listen: string; script: { exec: string[] } }[] };
  t.same((c as unknown as { event: unknown }).event, flows.event, 'a pre-request script sends X-Mirror-Sandbox when {{sandbox}} is set');
  t.match(flows.event[0]!.script.exec.join('\n'), /X-Mirror-Sandbox/);
  const folders = c.item.map((i) => i.name);
  for (const tag of ['Profile', 'Billing', 'Billing > Auto-renewal', 'Mirror control plane']) t.ok(folders.some((f) => f.startsWith(tag.split(' >')[0]!)), `a folder for ${tag}`);
  const all = requests(c.item);
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
  t.equal(all.length, operations, 'a request per operation');
  const clock = all.find((r) => r.request!.url.path.join('/') === '_mirror/clock' && r.request!.method === 'PUT')!;
  t.match(clock.request!.auth, { type: 'bearer', bearer: [{ value: '{{adminToken}}' }] }, 'the control plane uses the admin token');
  const health = all.find((r) => r.request!.url.path.join('/') === 'healthz')!;
  t.match(health.request!.auth, { type: 'noauth' }, 'public routes send none');

  const env = (await app.inject({ method: 'GET', url: '/openapi/postman_environment.json' })).json();
  t.match(env, { name: 'ik-mirror (local)', values: [{ key: 'baseUrl', value: 'http://localhost:80' }, { key: 'token' }, { key: 'adminToken' }, { key: 'sandbox' }] });
});

t.test('committed: the same collection, for the default address', async (t) => {
  const committed = JSON.parse(readFileSync('openapi/postman_collection.json', 'utf8'));
  t.match(committed.variable, [{ key: 'baseUrl', value: 'http://127.0.0.1:3000' }]);
  const env = JSON.parse(readFileSync('openapi/postman_environment.json', 'utf8'));
  t.equal(env.values[0].value, 'http://127.0.0.1:3000');
});
