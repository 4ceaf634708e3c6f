import type { FastifyRequest } from 'fastify';
import type { SetAutoRenewalInput } from './renewals.schemas.js';

/** The action code of a successful PUT …/products/{product}/auto_renewal: switched on, or off. */
export function autoRenewalAction(req: FastifyRequest): string {
  // The route's schema validated the body (SetAutoRenewalBody).
  return (req.body as SetAutoRenewalInput | undefined)?.enabled ? 'auto_renewal_enabled' : 'auto_renewal_disabled';
}
