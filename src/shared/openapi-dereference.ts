// The OpenAPI document with every reference to a named type (`#/components/schemas/X`)
// replaced by the type itself, as the document was before it had named types: for what walks
// its schemas rather than reads them (the Postman converter, the tests that check each
// operation's schemas one by one).

type Json = Record<string, unknown>;
const PREFIX = '#/components/schemas/';

const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function dereferenced<T extends object>(document: T): T {
  const components = Reflect.get(document, 'components');
  const schemas: unknown = isJson(components) ? components.schemas : undefined;
  const named = isJson(schemas) ? schemas : {};
  const out = inlined(document, named, []);
  const outComponents = isJson(out) ? out.components : undefined;
  if (isJson(outComponents) && 'schemas' in outComponents) outComponents.schemas = {};
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a copy of the document, of its shape: only references are replaced
  return out as T;
}

/** A copy of `node` with the named types inlined; `trail` holds the names being inlined, to refuse a cycle. */
function inlined(node: unknown, named: Json, trail: string[]): unknown {
  if (Array.isArray(node)) return node.map((item) => inlined(item, named, trail));
  if (!isJson(node)) return node;
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith(PREFIX)) {
    const name = ref.slice(PREFIX.length);
    if (trail.includes(name)) throw new Error(`the named type ${name} contains itself`);
    if (!(name in named)) throw new Error(`no named type ${name}`);
    return inlined(named[name], named, [...trail, name]);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = inlined(value, named, trail);
  return out;
}
