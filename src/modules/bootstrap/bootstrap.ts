import type { Db } from '../../db/database.js';
import { SCOPES } from '../../shared/scopes.js';
import { hashPassword, newApiToken, newPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { createDemoProducts } from '../products/index.js';
import { insertPerson } from '../users/index.js';
import { anyUser, insertAdminAccount, insertApiToken, insertOwner, lockBootstrap } from './bootstrap.repository.js';

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
  if (await anyUser(db)) return undefined;
  const password = newPassword();
  const passwordHash = await hashPassword(password);
  const { secret, hash } = newApiToken();
  return db.transaction().execute(async (trx) => {
    await lockBootstrap(trx);
    if (await anyUser(trx)) return undefined;
    const now = nowSeconds();
    const accountId = await insertAdminAccount(trx, now);
    const user = await insertPerson(
      trx,
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
    await insertOwner(trx, accountId, user.id);
    await insertApiToken(trx, user.id, hash, [...SCOPES]);
    await createDemoProducts(trx, accountId, user.id);
    return { email: ADMIN_EMAIL, password, token: secret, accountId };
  });
}
