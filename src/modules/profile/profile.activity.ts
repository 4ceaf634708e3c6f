import type { FastifyRequest } from 'fastify';
import { isRecord } from '../../shared/is-record.js';

// The activity line of a PATCH /2/profile names the change that matters most to its owner:
// a new password, else a new email address, else the rest of the profile.

/** The action code of a successful PATCH /2/profile (its route's config.activity). */
export function profileChangeAction(req: FastifyRequest): string {
  // The route's schema validated the body: an object whose fields are the ones it changes.
  const body = isRecord(req.body) ? req.body : {};
  if (body.password !== undefined) return 'password_changed';
  return body.email !== undefined ? 'email_changed' : 'profile_updated';
}
