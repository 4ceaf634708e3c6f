// The named types of the OpenAPI document. A schema that carries an `$id` (the error envelope,
// an Account, a Team…) is a component: listed once under components.schemas by that name, and
// referred to (`$ref`) wherever a route embeds it, so that the document states each type once
// and a generated client gets a named type for it. Only the document changes: the routes keep
// their schemas whole, and the compilers leave the names out (schema-ids.ts).

type Json = Record<string, unknown>;

/** Where a schema holds data rather than subschemas (an example may have an `$id` field). */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['examples', 'example', 'default', 'enum', 'const']);
/** Where a schema maps names to subschemas: a property may be called `$id`. */
const NAME_MAPS: ReadonlySet<string> = new Set(['properties', 'patternProperties', '$defs', 'definitions']);
/** The parts of a route's schema whose root is a request part, which the document spells out. */
const REQUEST_PARTS = ['body', 'querystring', 'params', 'headers'] as const;

const isJson = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asJson = (value: object): Json => Object.fromEntries(Object.entries(value));
const nameOf = (schema: Json): string | undefined => (typeof schema.$id === 'string' ? schema.$id : undefined);
const referenceTo = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export class Components {
  /** components.schemas: each named schema, with the named schemas inside it referred to. */
  readonly schemas: Record<string, Json> = {};
  /** The text of each name's schema as first met: a second, different schema of that name is a mistake. */
  private readonly seen = new Map<string, string>();

  /** Lists the named schemas of a route (at onRoute, before the document is first made). */
  collect(routeSchema: object): void {
    for (const part of partsOf(asJson(routeSchema))) this.collectIn(part);
  }

  /** The route's schema as the document shows it: every named schema in it referred to. */
  referencing(route: object): Json {
    const routeSchema = asJson(route);
    const out: Json = { ...routeSchema };
    for (const part of REQUEST_PARTS) {
      // The document lists a query's or a path's fields one by one and a body's examples: their roots stay.
      const schema = routeSchema[part];
      if (isJson(schema)) out[part] = referencedSchema(schema, true);
    }
    if (isJson(routeSchema.response)) {
      const response: Json = {};
      for (const [status, schema] of Object.entries(routeSchema.response)) response[status] = referenced(schema);
      out.response = response;
    }
    return out;
  }

  private collectIn(node: unknown): void {
    walk(node, (schema) => {
      const name = nameOf(schema);
      if (name === undefined) return;
      const text = JSON.stringify(schema);
      const earlier = this.seen.get(name);
      if (earlier === undefined) {
        this.seen.set(name, text);
        this.schemas[name] = referencedSchema(schema, true);
      } else if (earlier !== text) {
        throw new Error(
          `two different schemas are named ${name}: give one another $id, or leave the name out of the copy`,
        );
      }
    });
  }
}

/** The request parts and responses of a route's schema. */
function partsOf(routeSchema: Json): unknown[] {
  const parts: unknown[] = REQUEST_PARTS.map((part) => routeSchema[part]);
  if (isJson(routeSchema.response)) parts.push(...Object.values(routeSchema.response));
  return parts;
}

/** Calls `visit` on every subschema (the root included), outside data. */
function walk(node: unknown, visit: (schema: Json) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!isJson(node)) return;
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) continue;
    if (NAME_MAPS.has(key) && isJson(value)) for (const sub of Object.values(value)) walk(sub, visit);
    else walk(value, visit);
  }
}

/** A copy where each named subschema is a reference to its component. */
function referenced(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(referenced);
  if (!isJson(node)) return node;
  return referencedSchema(node, false);
}

/** `referenced`, where the root itself is kept (without its name) when `keepRoot` says so. */
function referencedSchema(schema: Json, keepRoot: boolean): Json {
  const name = nameOf(schema);
  if (name !== undefined && !keepRoot) return referenceTo(name);
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id') continue;
    if (DATA_KEYWORDS.has(key)) out[key] = value;
    else if (NAME_MAPS.has(key) && isJson(value)) out[key] = eachReferenced(value);
    else out[key] = referenced(value);
  }
  return out;
}

function eachReferenced(map: Json): Json {
  const out: Json = {};
  for (const [name, schema] of Object.entries(map)) out[name] = referenced(schema);
  return out;
}
