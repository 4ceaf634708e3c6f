import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';
import { withoutIds } from './schema-ids.js';

// Fastify's own response serializers (fast-json-stringify), built on the first response that
// needs one rather than for every route at start: with a couple of hundred routes, building
// them all took about half a second of each start. They compile the schemas without their
// `$id`s, which name them in the OpenAPI document only (schema-ids.ts).

type Serialize = (data: unknown) => string;
type BuildSerializer = ReturnType<typeof SerializerSelector>;

const buildDefault: BuildSerializer = SerializerSelector();

const buildOnFirstUse: BuildSerializer = (externalSchemas, options) => {
  const compilerFor = buildDefault(externalSchemas, options);
  return (route) => {
    let serialize: Serialize | undefined;
    return (data: unknown) => (serialize ??= compilerFor({ ...route, schema: withoutIds(route.schema) }))(data);
  };
};

export const lazySerializers: FastifyServerOptions['schemaController'] = {
  compilersFactory: { buildSerializer: buildOnFirstUse },
};
