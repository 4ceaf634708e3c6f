import { randomInt } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { notFound } from '../../shared/errors.js';
import { hashPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { appPasswordsRepository } from './app-passwords.repository.js';

// Application passwords, as upstream: a password per application (a mail client, a script)
// that signs in with the OAuth password grant instead of the account password. Shown once,
// kept as an Argon2 hash; deleting one stops it at once.

// No 0/o/1/l: read off a screen and typed into an app.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Four groups of four (80 bits), e.g. kq7d-4mzp-x9tr-2hbw. */
const newAppPassword = () =>
  Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join(
    '-',
  );

export function appPasswordsService(db: Db) {
  const repo = appPasswordsRepository(db);
  return {
    list: (userId: number) => repo.list(userId),

    /** The new row with its password: the only time the password is shown. */
    async create(userId: number, name: string) {
      const password = newAppPassword();
      const row = await repo.insert({
        user_id: userId,
        name: name.trim(),
        password_hash: await hashPassword(password),
      });
      return { ...row, password };
    },

    async get(userId: number, id: number) {
      const row = await repo.find(userId, id);
      if (!row) throw notFound('Application password');
      return row;
    },

    async remove(userId: number, id: number): Promise<true> {
      if (!(await repo.softDelete(userId, id, nowSeconds()))) throw notFound('Application password');
      return true;
    },
  };
}
