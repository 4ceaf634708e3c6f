import type { FastifyPluginAsync } from 'fastify';
import { publicOrigin as baseUrlOf } from '../../shared/public-origin.js';
import { postmanCollection, postmanEnvironment } from './postman.js';

// The Postman collection and environment of this very server, made from its OpenAPI document
// on first request (a second or so) and kept; `baseUrl` is PUBLIC_URL, else the origin asked.

export const postmanRoutes: FastifyPluginAsync = async (app) => {
  const collections = new Map<string, Promise<unknown>>();
  const config = { auth: 'public' as const };
  const schema = { hide: true };

  app.get('/openapi/postman_collection.json', { config, schema }, async (req) => {
    const base = baseUrlOf(req);
    let c = collections.get(base);
    if (!c) {
      c = postmanCollection(app.swagger(), base);
      collections.set(base, c);
      c.catch(() => collections.delete(base));
    }
    return c;
  });

  app.get('/openapi/postman_environment.json', { config, schema }, async (req) => postmanEnvironment(baseUrlOf(req)));
};
