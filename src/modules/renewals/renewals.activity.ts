import type { FastifyRequest } from 'fastify';

/** The action code of a successful PUT …/products/{product}/auto_renewal: switched on, or off. */
export function autoRenewalAction(req: FastifyRequest): string {
  // The route's schema validated the body (SetAutoRenewalBody): `enabled` is its boolean.
  return isSwitchedOn(req.body) ? 'auto_renewal_enabled' : 'auto_renewal_disabled';
}

const isSwitchedOn = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && 'enabled' in body && body.enabled === true;
