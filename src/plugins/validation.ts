import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import {
  nonDecimalIntegerErrors,
  nulCharacterErrors,
  readAsUpstream,
  withIntegerBounds,
  type Schema,
} from './input-rules.js';
import { withoutIds } from './schema-ids.js';

// Two validators. Query strings and path parameters are text, so they are coerced to the
// schema's types. Bodies are JSON and are not: `"first_name": 123` is an error, as is a field
// the schema does not list (Fastify's default would silently drop it).
const base: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
// ajv-formats is CommonJS: its `default` is the plugin itself (and so is the whole module).
const addFormats = addFormatsModule.default;
const bodyAjv = new Ajv({ ...base, coerceTypes: false });
const textAjv = new Ajv({ ...base, coerceTypes: 'array' });
addFormats(bodyAjv);
addFormats(textAjv);

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** A validator whose `errors` are its last call's, where Fastify reads them after each call. */
function validator(check: (data: unknown) => { valid: boolean; errors: unknown }): Validate {
  const validate: Validate = (data: unknown) => {
    const { valid, errors } = check(data);
    validate.errors = errors;
    return valid;
  };
  return validate;
}

/** Names of a query schema's boolean properties. */
function booleanFields(schema: Schema): string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, p]) => p.type === 'boolean' || (Array.isArray(p.type) && p.type.includes('boolean')))
    .map(([name]) => name);
}

/** Upstream's clients write query booleans as 1/0; Ajv only coerces true/false. */
function acceptingBinaryBooleans(validate: Validate, fields: string[]): Validate {
  if (!fields.length) return validate;
  return validator((data) => {
    if (typeof data === 'object' && data !== null) {
      for (const f of fields) {
        const value: unknown = Reflect.get(data, f);
        if (value === '1' || value === '0') Reflect.set(data, f, value === '1');
      }
    }
    return { valid: validate(data), errors: validate.errors };
  });
}

/**
 * Compiles on the first request that needs it: compiling every route's schemas up front
 * took most of a second of each start, for routes a given run may never call.
 */
function compiledOnFirstUse(compile: () => Validate): Validate {
  let validate: Validate | undefined;
  return validator((data) => {
    validate ??= compile();
    return { valid: validate(data), errors: validate.errors };
  });
}

/**
 * The project's own rules (input-rules.ts) beside Ajv's: no NUL character anywhere, and in
 * text, integers in decimal. Checked before Ajv runs, as its coercion rewrites the text.
 */
function withInputRules(validate: Validate, schema: Schema, text: boolean): Validate {
  return validator((data) => {
    const broken = [...nulCharacterErrors(data), ...(text ? nonDecimalIntegerErrors(schema, data) : [])];
    const valid = validate(data);
    const ajvErrors: unknown[] = Array.isArray(validate.errors) ? validate.errors : [];
    const errors = broken.length ? [...broken, ...ajvErrors] : validate.errors;
    return { valid: valid && !broken.length, errors };
  });
}

/** A body's numeric strings and 0/1 booleans read as upstream reads them (input-rules.ts), then validated. */
function readingAsUpstream(validate: Validate, schema: Schema): Validate {
  return validator((data) => ({ valid: validate(readAsUpstream(schema, data)), errors: validate.errors }));
}

function compileFor(schema: Schema, httpPart: string | undefined): Validate {
  const bounded = withIntegerBounds(withoutIds(schema));
  if (httpPart === 'body') return readingAsUpstream(withInputRules(bodyAjv.compile(bounded), schema, false), schema);
  const validate = withInputRules(textAjv.compile(bounded), schema, true);
  return httpPart === 'querystring' ? acceptingBinaryBooleans(validate, booleanFields(schema)) : validate;
}

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- Fastify types each part's schema as FastifySchema, but hands the compiler the part's own JSON schema
  const partSchema = schema as Schema;
  const validate = compiledOnFirstUse(() => compileFor(partSchema, httpPart));
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the errors are Ajv's, and the project's rules' in Ajv's shape (AjvError, no schemaPath), which the error handler reads
  return validate as ReturnType<FastifySchemaCompiler<FastifySchema>>;
};
