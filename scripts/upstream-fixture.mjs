// Writes test/fixtures/upstream-fields.json: for every operation of the official Infomaniak
// document (reference/), the field paths of its 200 response's `data`, relative to one item
// for a list. Tests compare our responses with it: a small extract to read rather than the
// whole document to walk in every test.
// usage: node scripts/upstream-fixture.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';

const source = new URL('../reference/infomaniak-core-openapi.json', import.meta.url);
const target = new URL('../test/fixtures/upstream-fields.json', import.meta.url);
const doc = JSON.parse(readFileSync(source, 'utf8'));

const lookup = (ref) =>
  ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((o, k) => (o && typeof o === 'object' ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);

function deref(s, seen) {
  if (!s || typeof s !== 'object') return { seen };
  if (typeof s.$ref !== 'string') return { schema: s, seen };
  if (seen.has(s.$ref)) return { seen };
  return deref(lookup(s.$ref), new Set([...seen, s.$ref]));
}

function flatten(input, prefix, out, seen, depth) {
  const { schema: s, seen: now } = deref(input, seen);
  if (!s || depth > 8) return;
  for (const key of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(s[key])) for (const sub of s[key]) flatten(sub, prefix, out, now, depth);
  if (prefix && s.type) out.add(prefix);
  if (s.properties && typeof s.properties === 'object') {
    for (const [k, v] of Object.entries(s.properties)) flatten(v, prefix ? `${prefix}.${k}` : k, out, now, depth + 1);
  }
  if (s.items && !Array.isArray(s.items)) flatten(s.items, `${prefix}[]`, out, now, depth + 1);
}

const fields = {};
for (const [path, item] of Object.entries(doc.paths)) {
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    const op = item[method];
    const ok = op && (deref(op.responses?.['200'], new Set()).schema ?? deref(op.responses?.['201'], new Set()).schema);
    const schema = ok?.content?.['application/json']?.schema;
    if (!schema) continue;
    const all = new Set();
    flatten(schema, '', all, new Set(), 0);
    const prefix = all.has('data[]') ? 'data[].' : 'data.';
    fields[`${method.toUpperCase()} ${path}`] = [...all]
      .filter((p) => p.startsWith(prefix))
      .map((p) => p.slice(prefix.length))
      .sort();
  }
}
const text = `${JSON.stringify(fields, null, 1)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing is stale */
  }
  if (current !== text) {
    console.error('test/fixtures/upstream-fields.json is stale: run node scripts/upstream-fixture.mjs');
    process.exit(1);
  }
  console.log('test/fixtures/upstream-fields.json is up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote test/fixtures/upstream-fields.json (${Object.keys(fields).length} operations)`);
}
