import type { AjvError } from '../shared/validation.js';

// Rules Ajv has no keyword for, applied to every request part a route gives a schema
// (validation.ts): what would otherwise pass validation and fail further down as a 500.

/** The bound of an integer whose schema sets none: a JS number holds it exactly, a Postgres bigint stores it. */
export const INTEGER_BOUND = Number.MAX_SAFE_INTEGER;

/** The parts of a JSON schema these rules read (a type, not an interface: Ajv takes it as a schema object). */
export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  patternProperties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

const typesOf = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
const alternatives = (s: Schema): Schema[] =>
  [s, ...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].flatMap((x) => (x === s ? [x] : alternatives(x)));
const accepts = (s: Schema, type: string) => alternatives(s).some((x) => typesOf(x).includes(type));

/**
 * The schema with ±INTEGER_BOUND on every integer that has no bound of its own: beyond it
 * `skip=99999999999999999999` passed as 1e20 and Postgres refused it (a copy: the document
 * keeps the route's own schema).
 */
export function withIntegerBounds<T>(schema: T): T {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a copy of the schema, of its shape: only integers' missing bounds are added
  return boundedCopy(schema) as T;
}

function boundedCopy(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(boundedCopy);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> & Schema = {};
  for (const [k, v] of Object.entries(schema)) out[k] = boundedCopy(v);
  if (typesOf(out).includes('integer')) {
    if (out.minimum === undefined && out.exclusiveMinimum === undefined) out.minimum = -INTEGER_BOUND;
    if (out.maximum === undefined && out.exclusiveMaximum === undefined) out.maximum = INTEGER_BOUND;
  }
  return out;
}

const pointer = (path: string, key: string | number) =>
  `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

const nulError = (path: string): AjvError => ({
  keyword: 'nulCharacter',
  instancePath: path,
  params: {},
  message: 'must not contain a NUL character',
});

/**
 * Postgres refuses the NUL character in text: each string (or key) holding one is named.
 * Walked without recursion: a JSON body may nest thousands deep.
 */
export function nulCharacterErrors(data: unknown): AjvError[] {
  const out: AjvError[] = [];
  const pending: [value: unknown, path: string][] = [[data, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) out.push(nulError(path));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k.includes('\u0000')) out.push(nulError(pointer(path, k)));
        else pending.push([v, pointer(path, k)]);
      }
    }
  }
  return out;
}

const DECIMAL = /^[+-]?\d+$/;

/** The schema a key of an object meets: its own property's, a pattern's (TypeBox's Record), or additionalProperties'. */
function propertySchema(schemas: Schema[], key: string): Schema | undefined {
  for (const s of schemas) {
    const own = s.properties?.[key];
    if (own) return own;
    const pattern = Object.entries(s.patternProperties ?? {}).find(([p]) => new RegExp(p, 'u').test(key));
    if (pattern) return pattern[1];
    if (typeof s.additionalProperties === 'object') return s.additionalProperties;
  }
  return undefined;
}

/**
 * In a query string or a path an integer is written in decimal, with an optional sign. Ajv's
 * coercion takes whatever Number() reads: `0x10` is 16, `1e3` 1000, ` 5` 5 (and so
 * `DELETE …/payment_methods/0x10` deleted method 16). Checked before Ajv coerces the text.
 */
export function nonDecimalIntegerErrors(schema: Schema, data: unknown, path = '', out: AjvError[] = []): AjvError[] {
  if (typeof data === 'string') {
    if (accepts(schema, 'integer') && !accepts(schema, 'string') && !DECIMAL.test(data)) {
      out.push({ keyword: 'type', instancePath: path, params: { type: 'integer' }, message: 'must be integer' });
    }
  } else if (Array.isArray(data)) {
    const item = alternatives(schema).find((x) => x.items)?.items ?? schema;
    data.forEach((d, i) => nonDecimalIntegerErrors(item, d, pointer(path, i), out));
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      const sub = propertySchema(alternatives(schema), k);
      if (sub) nonDecimalIntegerErrors(sub, v, pointer(path, k), out);
    }
  }
  return out;
}

/** What upstream's (Laravel) `boolean` rule takes besides true and false. */
const BINARY_BOOLEANS = new Map<unknown, boolean>([
  [1, true],
  [0, false],
  ['1', true],
  ['0', false],
]);

/** A scalar as upstream's validator reads it for a schema: a numeric string as an integer, 0/1 as a boolean. */
function upstreamScalar(schema: Schema, value: unknown): unknown {
  const onlyInteger = accepts(schema, 'integer') && !accepts(schema, 'string');
  if (onlyInteger && typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  const onlyBoolean = accepts(schema, 'boolean') && !accepts(schema, 'string') && !accepts(schema, 'integer');
  if (onlyBoolean && BINARY_BOOLEANS.has(value)) return BINARY_BOOLEANS.get(value);
  return value;
}

/**
 * Upstream's `integer` rule takes `"3"` and its `boolean` rule 0, 1, "0" and "1"; Ajv, without
 * coercion, takes neither. Each such value of a JSON body is rewritten in place to the type
 * its field's schema declares, before Ajv runs (and so the handler reads numbers and
 * booleans). Strings stay strings: `"firstname": 5` is still refused.
 */
export function readAsUpstream(schema: Schema, data: unknown): unknown {
  if (Array.isArray(data)) {
    const item = alternatives(schema).find((x) => x.items)?.items;
    if (item) data.forEach((d, i) => (data[i] = readAsUpstream(item, d)));
    return data;
  }
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      const sub = propertySchema(alternatives(schema), k);
      if (sub) Reflect.set(data, k, readAsUpstream(sub, v));
    }
    return data;
  }
  return upstreamScalar(schema, data);
}
