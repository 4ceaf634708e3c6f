import t from 'tap';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { dereferenced } from '../../src/shared/openapi-dereference.js';
import { buildTestApp } from '../helper.js';

// Examples in the OpenAPI document are what Postman and Swagger UI show people, so each one
// must be a valid instance of its schema, field for field: an example with a field the schema
// lacks, or without one it requires, fails here. Billing responses must all carry examples.

type Json = Record<string, unknown>;
interface Media {
  schema: Json;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  tags?: string[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}

/** The schema with every object closed (`additionalProperties: false` where it says nothing). */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'examples' || k === 'example' ? v : closed(v);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const examplesOf = (m: Media): unknown[] => [
  ...(m.example === undefined ? [] : [m.example]),
  ...Object.values(m.examples ?? {}).map((e) => e.value),
];

t.test('every example in the OpenAPI document fits its schema', async (t) => {
  const app = await buildTestApp(t);
  // Each schema whole, the named types inlined, so that it compiles alone.
  const doc = dereferenced(
    (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, Operation>>;
    }>(),
  );
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  let checked = 0;

  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${path}`;
      const media: [string, Media][] = [];
      for (const [type, m] of Object.entries(op.requestBody?.content ?? {})) media.push([`${name} request ${type}`, m]);
      for (const [status, r] of Object.entries(op.responses)) {
        for (const [type, m] of Object.entries(r.content ?? {})) media.push([`${name} ${status} ${type}`, m]);
      }
      for (const [where, m] of media) {
        const validate = ajv.compile(closed(m.schema) as Json);
        for (const example of examplesOf(m)) {
          checked++;
          if (!validate(example)) t.fail(`${where}: ${ajv.errorsText(validate.errors)}`);
        }
      }
      if (op.tags?.some((tag) => tag.startsWith('Billing'))) {
        for (const [status, r] of Object.entries(op.responses)) {
          const json = r.content?.['application/json'];
          if (status.startsWith('2') && json) t.ok(examplesOf(json).length, `${name} ${status} shows an example`);
        }
      }
    }
  }
  t.ok(checked >= 40, `${checked} examples checked`);
});

t.test('the check catches an example that does not fit', async (t) => {
  const ajv = new Ajv2020({ strict: false });
  const schema = closed({
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'integer' }, inner: { type: 'object', properties: { a: { type: 'string' } } } },
  }) as Json;
  const validate = ajv.compile(schema);
  t.ok(validate({ id: 1, inner: { a: 'x' } }));
  t.notOk(validate({ id: 1, extra: true }), 'an undeclared field');
  t.notOk(validate({ id: 1, inner: { b: 'x' } }), 'an undeclared nested field');
  t.notOk(validate({}), 'a missing required field');
});
