import { createHash } from 'node:crypto';

// The Postman collection and environment, made from the OpenAPI document with
// openapi-to-postmanv2: a folder per tag, Bearer auth at the collection level from a `token`
// variable (the control plane's requests use `adminToken`, public ones none), `baseUrl` as a
// variable. The converter gives items random ids; they are replaced with ids derived from each
// item's place in the collection, so the same document always gives the same file.

type Json = Record<string, unknown>;
interface Item extends Json { id?: string; name: string; item?: Item[]; request?: Json & { url?: { path?: string[] } } }

const stableId = (key: string) => {
  const h = createHash('sha1').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * With a `sandbox` variable, every request carries X-Mirror-Sandbox (Postman has no
 * collection-wide headers, so a pre-request script). The curated flows carry the same script,
 * which CI runs with newman in two sandboxes.
 */
export const SANDBOX_SCRIPT = [
  '// With a `sandbox` variable, every request acts in that sandbox (the mirror\'s X-Mirror-Sandbox).',
  "const sandbox = pm.variables.get('sandbox');",
  "if (sandbox) pm.request.headers.upsert({ key: 'X-Mirror-Sandbox', value: sandbox });",
];

const bearer = (variable: string) => ({ type: 'bearer', bearer: [{ key: 'token', value: `{{${variable}}}`, type: 'string' }] });

// The converter loads a large tree of modules (a schema faker among them): only the first
// request for the collection, or the generator script, pays for it.
async function convert(doc: Json): Promise<Json> {
  const { default: Converter } = await import('openapi-to-postmanv2');
  return new Promise((resolve, reject) => {
    Converter.convert({ type: 'json', data: doc }, {
      folderStrategy: 'Tags', parametersResolution: 'Example', includeAuthInfoInExample: false,
      // Faked bodies are random: the file would change on every run. Examples come from the document.
      schemaFaker: false,
    }, (err, res) => {
      const out = res as unknown as { result: boolean; reason?: string; output?: { data: Json }[] } | undefined;
      if (err || !out?.result || !out.output?.[0]) reject(err ?? new Error(`openapi-to-postmanv2: ${out?.reason}`));
      else resolve(out.output[0].data);
    });
  });
}

/** Gives every item (and its saved responses) an id from its path, and the right auth. */
function settle(items: Item[], trail: string, publicPaths: Set<string>) {
  items.forEach((item, i) => {
    const key = `${trail}/${i}:${item.name}`;
    item.id = stableId(key);
    if (item.item) settle(item.item, key, publicPaths);
    const path = item.request?.url?.path;
    if (item.request && path) {
      const joined = `/${path.join('/')}`;
      if (joined.startsWith('/_mirror/')) item.request.auth = bearer('adminToken');
      else if (publicPaths.has(joined)) item.request.auth = { type: 'noauth' };
    }
    // Saved example responses are faked at random by the converter: the OpenAPI document has the real schemas and examples.
    if (item.request) item.response = [];
    // Free-form maps (order_for[field]) come out as a random number of key_N placeholders: left out.
    const url = item.request?.url as { query?: { key: string }[] } | undefined;
    if (url?.query) url.query = url.query.filter((q) => !/(^|\[)key_\d+\]?$/.test(q.key));
  });
}

export async function postmanCollection(doc: Json & { paths: Record<string, Record<string, { security?: unknown[] }>> }, baseUrl: string) {
  const collection = await convert(doc);
  const publicPaths = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (Object.values(ops).every((op) => !op.security)) publicPaths.add(path.replace(/\{([^}]+)\}/g, ':$1'));
  }
  settle(collection.item as Item[], '', publicPaths);
  const info = collection.info as Json;
  info._postman_id = stableId('ik-mirror');
  info.name = 'ik-mirror';
  collection.auth = bearer('token');
  collection.event = [{ listen: 'prerequest', script: { type: 'text/javascript', exec: SANDBOX_SCRIPT } }];
  collection.variable = [
    { key: 'baseUrl', value: baseUrl, type: 'string' },
    { key: 'token', value: '', type: 'string' },
    { key: 'adminToken', value: '', type: 'string' },
    { key: 'sandbox', value: '', type: 'string' },
  ];
  return collection;
}

export function postmanEnvironment(baseUrl: string) {
  return {
    id: stableId('ik-mirror-environment'),
    name: 'ik-mirror (local)',
    values: [
      { key: 'baseUrl', value: baseUrl, type: 'default', enabled: true },
      { key: 'token', value: '', type: 'secret', enabled: true },
      { key: 'adminToken', value: '', type: 'secret', enabled: true },
      { key: 'sandbox', value: '', type: 'default', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
}
