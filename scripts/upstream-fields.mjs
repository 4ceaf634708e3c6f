// Prints, for the upstream operations whose "METHOD /path" contains one of the arguments, the
// query parameters and the flattened response fields of the official document.
// usage: node scripts/upstream-fields.mjs "GET /1/products" "/teams"
import { readFileSync } from 'node:fs';
import { resolver } from './json-refs.mjs';
const doc = JSON.parse(readFileSync(new URL('../reference/infomaniak-core-openapi.json', import.meta.url), 'utf8'));
const deref = resolver(doc);
function flatten(schema, prefix = '', out = {}, depth = 0) {
  const s = deref(schema);
  if (!s || typeof s !== 'object' || depth > 5) return out;
  for (const key of ['allOf', 'anyOf', 'oneOf'])
    if (Array.isArray(s[key])) for (const sub of s[key]) flatten(sub, prefix, out, depth);
  const type = Array.isArray(s.type) ? s.type.filter((t) => t !== 'null')[0] : s.type;
  if (prefix && type) out[prefix] = type;
  if (s.properties)
    for (const [k, v] of Object.entries(s.properties)) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
  if (s.items && !Array.isArray(s.items)) flatten(s.items, `${prefix}[]`, out, depth + 1);
  return out;
}
const want = process.argv.slice(2);
for (const [p, item] of Object.entries(doc.paths))
  for (const m of ['get', 'post', 'put', 'patch', 'delete']) {
    if (!item[m]) continue;
    const key = `${m.toUpperCase()} ${p}`;
    if (!want.some((w) => key.includes(w))) continue;
    const op = item[m];
    const code = Object.keys(op.responses || {}).find((c) => /^2/.test(c));
    const params = [...(item.parameters || []), ...(op.parameters || [])]
      .map((x) => deref(x))
      .filter((x) => x && x.in === 'query')
      .map((x) => x.name + ':' + JSON.stringify(deref(x.schema)).slice(0, 150));
    const media = code ? (deref(op.responses[code]).content || {})['application/json'] : null;
    const flat = media ? flatten(media.schema) : {};
    console.log('##', key, code, op.summary);
    console.log('  query:', params.join(' | '));
    console.log(
      '  fields:',
      Object.entries(flat)
        .filter(([k]) => k.startsWith('data'))
        .map(([k, v]) => k + ':' + v)
        .join(', '),
    );
  }
