import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { nonDecimalIntegerErrors, nulCharacterErrors, withIntegerBounds } from './input-rules.js';

// Two validators. Query strings and path parameters are text, so they are coerced to the
// schema's types. Bodies are JSON and are not: `"first_name": 123` is an error, as is a field
// the schema does not list (Fastify's default would silently drop it).
const base: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const bodyAjv = addFormats(new Ajv({ ...base, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** Names of a query schema's boolean properties. */
function booleanFields(schema: { properties?: Record<string, { type?: unknown }> }): string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, p]) => p.type === 'boolean' || (Array.isArray(p.type) && p.type.includes('boolean')))
    .map(([name]) => name);
}

/** Upstream's clients write query booleans as 1/0; Ajv only coerces true/false. */
function acceptingBinaryBooleans(validate: Validate, fields: string[]): Validate {
  if (!fields.length) return validate;
  const wrapped = ((data: Record<string, unknown>) => {
    for (const f of fields) if (data[f] === '1' || data[f] === '0') data[f] = data[f] === '1';
    const valid = validate(data);
    wrapped.errors = validate.errors;
    return valid;
  }) as Validate;
  return wrapped;
}

/**
 * Compiles on the first request that needs it: compiling every route's schemas up front
 * took most of a second of each start, for routes a given run may never call.
 */
function compiledOnFirstUse(compile: () => Validate): Validate {
  let validate: Validate | undefined;
  const lazy = ((data: unknown) => {
    validate ??= compile();
    const valid = validate(data);
    lazy.errors = validate.errors;
    return valid;
  }) as Validate;
  return lazy;
}

/**
 * The project's own rules (input-rules.ts) beside Ajv's: no NUL character anywhere, and in
 * text, integers in decimal. Checked before Ajv runs, as its coercion rewrites the text.
 */
function withInputRules(validate: Validate, schema: FastifySchema, text: boolean): Validate {
  const wrapped = ((data: unknown) => {
    const broken = [...nulCharacterErrors(data), ...(text ? nonDecimalIntegerErrors(schema as never, data) : [])];
    const valid = validate(data);
    wrapped.errors = broken.length
      ? [...broken, ...((validate.errors as unknown[] | null | undefined) ?? [])]
      : validate.errors;
    return valid && !broken.length;
  }) as Validate;
  return wrapped;
}

function compileFor(schema: FastifySchema, httpPart: string | undefined): Validate {
  const bounded = withIntegerBounds(schema);
  if (httpPart === 'body') return withInputRules(bodyAjv.compile(bounded as object) as Validate, schema, false);
  const validate = withInputRules(textAjv.compile(bounded as object) as Validate, schema, true);
  return httpPart === 'querystring' ? acceptingBinaryBooleans(validate, booleanFields(schema as never)) : validate;
}

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  compiledOnFirstUse(() => compileFor(schema, httpPart)) as never;
