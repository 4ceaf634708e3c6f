import { fieldError, type FieldError } from './errors.js';

/** An Ajv error, or one of the project's own rules written as Ajv writes its errors. */
export interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

// Ajv keywords renamed to the rule names of upstream's (Laravel-style) validator, so a client
// sees `validation_rule_in`, `validation_rule_max`... exactly as it would upstream.
const RULES: Record<string, string> = {
  enum: 'in',
  const: 'in',
  minLength: 'min',
  maxLength: 'max',
  minimum: 'min',
  maximum: 'max',
  exclusiveMinimum: 'gt',
  exclusiveMaximum: 'lt',
  minItems: 'min',
  maxItems: 'max',
  pattern: 'regex',
  additionalProperties: 'prohibited',
  uniqueItems: 'distinct',
  anyOf: 'invalid',
  oneOf: 'invalid',
  nulCharacter: 'not_regex',
};

// Ajv's keywords whose limit the client is told, as upstream's validator does with `max:255`.
const BOUNDED = new Set([
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
]);

function valuesOf(err: AjvError): unknown[] | undefined {
  const allowed: unknown[] | undefined = Array.isArray(err.params.allowedValues) ? err.params.allowedValues : undefined;
  if (allowed) return allowed;
  if (err.keyword === 'const') return [err.params.allowedValue];
  if (BOUNDED.has(err.keyword) && err.params.limit !== undefined) return [err.params.limit];
  return undefined;
}

function attributeOf(err: AjvError, part: string): string {
  const path = err.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = err.params.missingProperty ?? err.params.additionalProperty;
  if (typeof extra === 'string') path.push(extra);
  return path.length ? path.join('.') : part;
}

function ruleOf(err: AjvError): string {
  if (err.keyword === 'type') return String(err.params.type).split(',')[0] ?? 'type';
  if (err.keyword === 'format') return String(err.params.format).replace(/-/g, '_');
  return RULES[err.keyword] ?? err.keyword.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function describe(err: AjvError, attribute: string): string {
  if (err.keyword === 'required') return `The ${attribute} field is required`;
  if (err.keyword === 'additionalProperties') return `The ${attribute} field is not allowed`;
  return `The ${attribute} field ${err.message ?? 'is invalid'}`;
}

/** One error per failing field (the first rule it broke), in upstream's shape. */
export function toFieldErrors(errors: AjvError[], part: string): FieldError[] {
  const byAttribute = new Map<string, FieldError>();
  for (const err of errors) {
    const attribute = attributeOf(err, part);
    if (byAttribute.has(attribute)) continue;
    byAttribute.set(attribute, fieldError(attribute, ruleOf(err), describe(err, attribute), valuesOf(err)));
  }
  return [...byAttribute.values()];
}
