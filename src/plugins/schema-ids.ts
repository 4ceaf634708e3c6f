// A schema's `$id` names it in the OpenAPI document (openapi-components.ts) and nowhere else:
// the validators and serializers compile each route's schemas whole, as they did before the
// names. Ajv would register every `$id` it meets and refuse the second of two embeddings of
// one named schema (an organisation's owner and creator are both a User), fast-json-stringify
// likewise, so they are given copies without them.

/** Where a schema holds data rather than subschemas: an `$id` in an example is the example's. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['examples', 'example', 'default', 'enum', 'const']);
/** Where a schema maps names to subschemas: a property may be called `$id`. */
const NAME_MAPS: ReadonlySet<string> = new Set(['properties', 'patternProperties', '$defs', 'definitions']);

/** A copy of the schema without any `$id` (the schema itself is left as it is). */
export function withoutIds<T>(schema: T): T {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a copy of the schema, of its shape: only `$id`s are left out
  return copyWithoutIds(schema) as T;
}

function copyWithoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(copyWithoutIds);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  const entries: [string, unknown][] = Object.entries(node);
  for (const [key, value] of entries) {
    if (key === '$id') continue;
    if (DATA_KEYWORDS.has(key)) out[key] = value;
    else if (NAME_MAPS.has(key) && value && typeof value === 'object') out[key] = eachWithoutIds(value);
    else out[key] = copyWithoutIds(value);
  }
  return out;
}

function eachWithoutIds(map: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(map)) out[name] = copyWithoutIds(schema);
  return out;
}
