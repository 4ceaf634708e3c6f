import type { FastifyPluginAsync } from 'fastify';
import { postmanRoutes } from './postman.routes.js';

/** The Postman collection and environment of this server, made from its OpenAPI document. */
export const postmanModule: FastifyPluginAsync = async (app) => {
  await app.register(postmanRoutes);
};

// The OpenAPI script writes the same files into the repository.
export { postmanCollection, postmanEnvironment } from './postman.js';
