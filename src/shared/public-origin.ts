import type { FastifyRequest } from 'fastify';

/**
 * The address clients reach this server at: PUBLIC_URL when set, else the origin the request
 * used (a development server on a random port names itself). The OAuth issuer and the Postman
 * collection's baseUrl are both this.
 */
export const publicOrigin = (req: FastifyRequest) =>
  (req.server.config.PUBLIC_URL ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
