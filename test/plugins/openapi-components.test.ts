import t from 'tap';
import Fastify from 'fastify';
import { Components } from '../../src/plugins/openapi-components.js';
import { withoutIds } from '../../src/plugins/schema-ids.js';
import { validatorCompiler } from '../../src/plugins/validation.js';
import { lazySerializers } from '../../src/plugins/serialization.js';

// The named types of the OpenAPI document (openapi-components.ts), and the compilers that
// leave the names out (schema-ids.ts): a schema named twice in one route compiles as before.

const User = { $id: 'User', type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] };
const ErrorResponse = { $id: 'ErrorResponse', type: 'object', properties: { errors: { type: 'array', items: User } } };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

t.test('a named schema is listed once and referred to; a request part keeps its root', async (t) => {
  const components = new Components();
  const route = {
    body: { $id: 'NewThing', type: 'object', properties: { owner: User }, examples: [{ owner: { id: 1, $id: 'x' } }] },
    response: { 200: { type: 'object', properties: { a: User, b: User } }, 404: ErrorResponse },
  };
  components.collect(route);
  components.collect({ response: { 200: User } });
  t.same(Object.keys(components.schemas), ['NewThing', 'User', 'ErrorResponse']);
  t.same(components.schemas.ErrorResponse, {
    type: 'object',
    properties: { errors: { type: 'array', items: ref('User') } },
  });
  const shown = components.referencing(route);
  t.same(
    shown.body,
    {
      type: 'object',
      properties: { owner: ref('User') },
      examples: [{ owner: { id: 1, $id: 'x' } }],
    },
    "the body's root stays, without its name; examples are data",
  );
  t.same(shown.response, {
    200: { type: 'object', properties: { a: ref('User'), b: ref('User') } },
    404: ref('ErrorResponse'),
  });
  t.equal(route.response[200].properties.a, User, 'the route keeps its own schema');
});

t.test('two different schemas of one name stop the boot', async (t) => {
  const components = new Components();
  components.collect({ response: { 200: User } });
  t.throws(
    () => components.collect({ response: { 200: { ...User, required: [] } } }),
    /two different schemas are named User/,
  );
  t.doesNotThrow(
    () => components.collect({ response: { 200: { ...User } } }),
    'a copy that changes nothing is the same type',
  );
});

t.test('the compilers see no $id: a schema named twice in one route compiles and answers as before', async (t) => {
  const twice = { type: 'object', properties: { a: User, b: User, list: { type: 'array', items: User } } };
  t.notOk(JSON.stringify(withoutIds(twice)).includes('$id'));
  t.same(
    withoutIds({ properties: { $id: { type: 'string', $id: 'S' } } }),
    { properties: { $id: { type: 'string' } } },
    'a field called $id stays',
  );
  const app = Fastify({ schemaController: lazySerializers });
  app.setValidatorCompiler(validatorCompiler);
  t.teardown(() => app.close());
  app.post('/', { schema: { body: twice, response: { 200: twice } } }, async (req) => req.body);
  const payload = { a: { id: 1 }, b: { id: 2 }, list: [{ id: 3 }] };
  const res = await app.inject({ method: 'POST', url: '/', payload });
  t.equal(res.statusCode, 200);
  t.equal(res.body, JSON.stringify(payload));
  const refused = await app.inject({ method: 'POST', url: '/', payload: { a: {}, b: { id: 2 } } });
  t.equal(refused.statusCode, 400, 'validated: the missing id is refused');
});
