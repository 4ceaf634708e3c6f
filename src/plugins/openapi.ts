import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { errorResponses } from '../shared/schemas.js';
import { Components } from './openapi-components.js';

// OpenAPI 3.1 built from the routes' TypeBox schemas, served at /openapi.json (and shown at
// /docs, docs-ui.ts).
// Each route lists its success schema; the error statuses it can return are derived here
// from what it declares (auth, input), so no route can forget them. The schemas that carry an
// `$id` are the document's named types (openapi-components.ts).

function errorStatuses(route: RouteOptions): number[] {
  const schema = route.schema ?? {};
  const statuses = [500];
  if (route.config?.auth === 'mirror-admin') statuses.push(401, 404);
  else if (route.config?.auth && route.config.auth !== 'public') statuses.push(401, 403);
  if (route.config?.rateLimit !== false) statuses.push(429);
  if (schema.params || schema.querystring || schema.body) statuses.push(422);
  if (schema.body) statuses.push(400);
  if (schema.params) statuses.push(404);
  return statuses;
}

function withErrors(route: RouteOptions): void {
  // Hidden routes (the OAuth endpoints) answer in their own protocol's shapes, not the envelope.
  if (!route.schema || route.schema.hide || route.url.startsWith('/docs')) return;
  const auth = route.config?.auth;
  const security =
    auth === 'mirror-admin' ? [{ mirrorAdmin: [] }] : auth && auth !== 'public' ? [{ bearerAuth: [] }] : undefined;
  const ownResponses = route.schema.response;
  route.schema = {
    ...route.schema,
    ...(security ? { security } : {}),
    response: { ...errorResponses(errorStatuses(route)), ...(typeof ownResponses === 'object' ? ownResponses : {}) },
  };
}

export default fp<{ serverUrl: () => string }>(
  async function openapi(app, { serverUrl }) {
    const operationIds = new Set<string>();
    const components = new Components();
    app.addHook('onRoute', (route) => {
      withErrors(route);
      if (route.schema && !route.schema.hide) components.collect(route.schema);
      const id = route.schema?.operationId;
      if (route.method === 'HEAD' || !id) return;
      if (operationIds.has(id)) throw new Error(`duplicate operationId ${id} on ${route.url}`);
      operationIds.add(id);
    });

    await app.register(swagger, {
      // The document refers to the named types rather than spelling them out in every route.
      transform: ({ schema, url }) => ({ schema: schema && components.referencing(schema), url }),
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'ik-mirror',
          version: '1.0.0',
          description:
            'A stateful mirror of the Infomaniak REST API. Paths are /{version}/{command_path}; without a version the latest answers.',
        },
        // Read when the document is first made (with PORT 0, after the server got its port).
        servers: [
          {
            get url() {
              return serverUrl();
            },
          },
        ],
        components: {
          // Filled as the routes are added; read each time the document is made.
          schemas: components.schemas,
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer' },
            mirrorAdmin: {
              type: 'http',
              scheme: 'bearer',
              description: "The operator's MIRROR_ADMIN_TOKEN (control plane only)",
            },
          },
        },
      },
    });

    app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'public' } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
