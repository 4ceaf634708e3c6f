import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

// Two validators. Query strings and path parameters are text, so they are coerced to the
// schema's types. Bodies are JSON and are not: `"first_name": 123` is an error, as is a field
// the schema does not list (Fastify's default would silently drop it).
const base: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const bodyAjv = addFormats(new Ajv({ ...base, coerceTypes: false }));
const textAjv = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as never;
