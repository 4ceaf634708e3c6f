import type { FastifyRequest } from 'fastify';

/**
 * A `preValidation` hook for routes whose body upstream does not require (clients send the
 * request with none at all): a missing body is read as `{}`, so the route's schema decides
 * what is missing instead of Fastify refusing `undefined` as "body must be object".
 */
export async function emptyBodyWhenNone(req: FastifyRequest): Promise<void> {
  req.body ??= {};
}
