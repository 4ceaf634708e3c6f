import { randomBytes } from 'node:crypto';
import type { Executor } from '../../db/database.js';
import { resolvedDb } from '../../db/routed.js';
import { serverSecretsRepository } from './server-secrets.repository.js';

// Secrets the server makes for itself once and keeps in the database, so every instance on it
// signs and checks alike: the CSRF key of the sign-in pages and the ID token signing key.
// Cached per database actually reached (each sandbox has keys of its own).

const caches = new WeakMap<Executor, Map<string, string>>();

/** The named secret, made with `make` the first time (the first instance to insert it wins). */
export async function serverSecret(
  db: Executor,
  name: string,
  make: () => Promise<string> | string = () => randomBytes(32).toString('base64url'),
): Promise<string> {
  const key = resolvedDb(db);
  let cache = caches.get(key);
  if (!cache) caches.set(key, (cache = new Map<string, string>()));
  const known = cache.get(name);
  if (known) return known;
  const secrets = serverSecretsRepository(db);
  let value = (await secrets.valueOf(name))?.value;
  if (value === undefined) {
    await secrets.insertUnlessKept(name, await make());
    // Whichever instance inserted first, every one uses the value that was kept.
    value = (await secrets.keptValue(name)).value;
  }
  cache.set(name, value);
  return value;
}
