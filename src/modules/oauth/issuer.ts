import type { FastifyRequest } from 'fastify';

/**
 * This server's issuer identifier: PUBLIC_URL when set, else the origin the client used
 * (a development server on a random port is its own issuer).
 */
export const issuerOf = (req: FastifyRequest) =>
  (req.server.config.PUBLIC_URL ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Cookies are Secure over https and on loopback hosts (browsers treat those as secure contexts). */
export const secureCookies = (req: FastifyRequest) => req.protocol === 'https' || LOOPBACK.test(req.host);
