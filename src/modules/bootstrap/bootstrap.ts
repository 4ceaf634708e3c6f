import type { Db } from '../../db/database.js';
import { SCOPES } from '../../shared/scopes.js';
import { hashPassword, newApiToken, newPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { createDemoProducts } from '../products/index.js';
import { people } from '../users/index.js';
import { bootstrapReads, bootstrapWrites } from './bootstrap.repository.js';

export interface FirstAdmin {
  email: string;
  password: string;
  token: string;
  accountId: number;
}

export const ADMIN_EMAIL = 'admin@ik-mirror.local';

/**
 * On an empty database, creates the administrator, their organisation (they are its legal
 * responsible) with a few demo products, and an API token with every scope. Returns undefined
 * when users already exist.
 * The advisory lock keeps two instances starting together from both doing it.
 */
export async function bootstrapFirstAdmin(db: Db): Promise<FirstAdmin | undefined> {
  // Every later start ends here, before the password hash (argon2: a quarter of a second).
  if (await bootstrapReads(db).anyUser()) return undefined;
  const password = newPassword();
  const passwordHash = await hashPassword(password);
  const { secret, hash } = newApiToken();
  return db.transaction().execute(async (trx) => {
    const writes = bootstrapWrites(trx);
    await writes.lockBootstrap();
    if (await bootstrapReads(trx).anyUser()) return undefined;
    const now = nowSeconds();
    const accountId = await writes.insertAdminAccount(now);
    const user = await people(trx).insert(
      {
        email: ADMIN_EMAIL,
        password_hash: passwordHash,
        first_name: 'Admin',
        last_name: 'Mirror',
        current_account_id: accountId,
        email_checked: true,
      },
      now,
    );
    await writes.insertOwner(accountId, user.id);
    await writes.insertApiToken(user.id, hash, [...SCOPES]);
    await createDemoProducts(trx, accountId, user.id);
    return { email: ADMIN_EMAIL, password, token: secret, accountId };
  });
}
