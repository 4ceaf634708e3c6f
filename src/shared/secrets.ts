import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const TOKEN_PREFIX = 'ikm_';

/** SHA-256 hex of a token: the only form in which tokens are stored. */
export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Whether a presented secret equals the expected one, in constant time whatever their lengths
 * (both are hashed to 32 bytes first, so neither the content nor the length leaks).
 */
export const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/** `ikm_` + 43 URL-safe characters (256 random bits). */
export function newApiToken(): { secret: string; hash: string } {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { secret, hash: hashToken(secret) };
}

/** A readable random password for generated accounts. */
export const newPassword = () => randomBytes(18).toString('base64url');

export const hashPassword = (password: string) => hash(password);
export const verifyPassword = (digest: string, password: string) => verify(digest, password).catch(() => false);
