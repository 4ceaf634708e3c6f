import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type * as Argon2 from '@node-rs/argon2';
import { currentSandbox } from './scope.js';

export const TOKEN_PREFIX = 'ikm_';

// A token made in a sandbox names it (`ikm_sbx.<name>.…`): requests that carry it reach the
// sandbox without the X-Mirror-Sandbox header (plugins/sandbox.ts).
const SANDBOX_TOKEN = /^ikm_sbx\.([a-z0-9][a-z0-9-]*)\./;

/** The prefix of tokens made now: `ikm_`, and the sandbox's name inside one. */
export const tokenPrefix = () => {
  const sandbox = currentSandbox();
  return sandbox === null ? TOKEN_PREFIX : `${TOKEN_PREFIX}sbx.${sandbox}.`;
};

/** The sandbox a token was made in, or null. */
export const sandboxOfToken = (secret: string) => SANDBOX_TOKEN.exec(secret)?.[1] ?? null;

/** SHA-256 hex of a token: the only form in which tokens are stored. */
export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Whether a presented secret equals the expected one, in constant time whatever their lengths
 * (both are hashed to 32 bytes first, so neither the content nor the length leaks).
 */
export const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/** `ikm_` (and the sandbox's name inside one) + 43 URL-safe characters (256 random bits). */
export function newApiToken(): { secret: string; hash: string } {
  const secret = tokenPrefix() + randomBytes(32).toString('base64url');
  return { secret, hash: hashToken(secret) };
}

/** A readable random password for generated accounts. */
export const newPassword = () => randomBytes(18).toString('base64url');

// argon2 is a native module that only passwords need (signing up, signing in, a first start):
// loaded by the first of them, not by every start.
let argon2: Promise<typeof Argon2> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

export const hashPassword = async (password: string) => (await loadArgon2()).hash(password);
export const verifyPassword = async (digest: string, password: string) =>
  (await loadArgon2()).verify(digest, password).catch(() => false);
