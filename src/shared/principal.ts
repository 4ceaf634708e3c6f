import type { Selectable } from 'kysely';
import type { UsersTable } from '../db/types.js';
import type { KnownMembership } from './known-membership.js';

// The user columns loaded with the token on every request: everything the profile shows,
// nothing heavy (the avatar's bytes) or secret (the password hash).
export const USER_COLUMNS = [
  'id',
  'email',
  'first_name',
  'last_name',
  'login',
  'avatar',
  'is_sso',
  'is_staff',
  'language_id',
  'locale',
  'country_id',
  'timezone_id',
  'birth_at',
  'current_account_id',
  'reminder_email',
  'reminder_phone',
  'successful_connexion_notification',
  'unsuccessful_connexion_notification',
  'unsuccessful_connexion_limit',
  'unsuccessful_connexion_rate_limit',
  'otp',
  'last_login_at',
  'password_changed_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof UsersTable)[];

export type UserRow = Pick<Selectable<UsersTable>, (typeof USER_COLUMNS)[number]>;

/** Who is calling: the token used and its owner, loaded in one query by the auth plugin. */
export interface Principal {
  tokenId: number;
  /** The token's SHA-256, as stored: unlike its id, never reused by another token (after a restore, in another database). */
  tokenHash: string;
  scopes: ReadonlySet<string>;
  user: UserRow;
  /** The caller's membership of the organisation the request reads, when it was asked with the token. */
  membership?: KnownMembership;
  /**
   * The database's snapshot (`pg_current_snapshot()`) when the token was read: two requests
   * that read the same one see the same data, since it changes whenever a writing transaction
   * ends. Absent for a principal made another way.
   */
  dataSnapshot?: string;
  /** The sign-in session the Manager console acts for (no token then: `tokenId` is 0). */
  consoleSession?: number;
}

/**
 * The caller of a route that requires a token. The auth plugin has answered 401 before such a
 * handler runs, so a missing principal here means the route forgot to declare its auth: that is
 * a bug, and it fails loudly rather than acting as nobody.
 */
export function principalOf(req: { principal: Principal | null }): Principal {
  if (!req.principal) throw new Error('principalOf: this route declares no auth, yet reads the caller');
  return req.principal;
}
