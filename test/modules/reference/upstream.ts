import { readFileSync } from 'node:fs';

// The official Infomaniak document, read to compare our responses with its field names. The
// shared folder sits beside the project (here and in CI).
const DOC_URL = new URL('../../../../shared/reference/infomaniak-core-openapi.json', import.meta.url);

type Schema = Record<string, unknown>;
let doc: Schema | undefined;
const upstream = () => (doc ??= JSON.parse(readFileSync(DOC_URL, 'utf8')) as Schema);

function lookup(ref: string): Schema | undefined {
  return ref.replace(/^#\//, '').split('/').reduce<unknown>(
    (o, k) => (o && typeof o === 'object' ? (o as Schema)[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
    upstream(),
  ) as Schema | undefined;
}

function deref(s: unknown, seen: Set<string>): { schema?: Schema; seen: Set<string> } {
  if (!s || typeof s !== 'object') return { seen };
  const ref = (s as Schema).$ref;
  if (typeof ref !== 'string') return { schema: s as Schema, seen };
  if (seen.has(ref)) return { seen };
  return deref(lookup(ref), new Set([...seen, ref]));
}

/** Every property path of a schema, as fidelity.mjs flattens it: `a`, `a.b`, `list[]`, `list[].c`. */
function flatten(input: unknown, prefix: string, out: Set<string>, seen: Set<string>, depth: number) {
  const { schema: s, seen: now } = deref(input, seen);
  if (!s || depth > 8) return;
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const subs = s[key];
    if (Array.isArray(subs)) for (const sub of subs) flatten(sub, prefix, out, now, depth);
  }
  if (prefix && s.type) out.add(prefix);
  if (s.properties && typeof s.properties === 'object') {
    for (const [k, v] of Object.entries(s.properties as Schema)) flatten(v, prefix ? `${prefix}.${k}` : k, out, now, depth + 1);
  }
  if (s.items && !Array.isArray(s.items)) flatten(s.items, `${prefix}[]`, out, now, depth + 1);
}

/**
 * The field paths upstream documents for the `data` of an operation's 200 response, relative
 * to one item for a list (`data[]`) or to the object itself (`data`).
 */
export function upstreamFields(method: string, path: string): string[] {
  const paths = upstream().paths as Record<string, Record<string, Schema>>;
  const op = paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`upstream has no ${method} ${path}`);
  const ok = deref((op.responses as Schema)['200'], new Set()).schema!;
  const media = (ok.content as Schema)['application/json'] as Schema;
  const all = new Set<string>();
  flatten(media.schema, '', all, new Set(), 0);
  const isList = all.has('data[]');
  const prefix = isList ? 'data[].' : 'data.';
  return [...all].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
}

/** The top-level property names upstream documents for the data (or one list item). */
export function upstreamKeys(method: string, path: string): string[] {
  return upstreamFields(method, path).filter((p) => !p.includes('.') && !p.includes('[')).sort();
}

export interface Presence {
  /** Upstream paths absent from the response. */
  missing: string[];
  /** Paths inside arrays that were empty in the response, so could not be checked. */
  unchecked: string[];
}

/** Checks that each upstream path exists in `value` (every element of an array is checked). */
export function presence(value: unknown, fields: string[]): Presence {
  const missing = new Set<string>();
  const unchecked = new Set<string>();
  const walk = (v: unknown, segments: string[], full: string): void => {
    if (!segments.length) return;
    const [head, ...rest] = segments;
    const isArray = head!.endsWith('[]');
    const key = isArray ? head!.slice(0, -2) : head!;
    if (!v || typeof v !== 'object' || Array.isArray(v) || !(key in (v as Schema))) {
      missing.add(full);
      return;
    }
    const child = (v as Schema)[key];
    if (!isArray) return walk(child, rest, full);
    if (!Array.isArray(child)) {
      missing.add(full);
      return;
    }
    if (!rest.length) return;
    if (!child.length) unchecked.add(full);
    for (const el of child) walk(el, rest, full);
  };
  for (const f of fields) {
    // `list[].x` splits as ['list[]', 'x'].
    walk(value, f.split('.'), f);
  }
  return { missing: [...missing], unchecked: [...unchecked] };
}
