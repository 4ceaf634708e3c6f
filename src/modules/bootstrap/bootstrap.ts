import { sql } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import { insertPerson } from '../users/index.js';
import { SCOPES } from '../../shared/scopes.js';
import { createDemoProducts } from '../products/demo-products.js';
import { hashPassword, newApiToken, newPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';

export interface FirstAdmin {
  email: string;
  password: string;
  token: string;
  accountId: number;
}

// Any constant will do: it only has to be the same for every instance of ik-mirror.
const BOOTSTRAP_LOCK = 4_242_001;
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
    await sql`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`.execute(trx);
    if (await anyUser(trx)) return undefined;
    const now = nowSeconds();
    const account = await trx.insertInto('accounts').values({ name: 'ik-mirror', updated_at: now }).returning('id').executeTakeFirstOrThrow();
    const user = await insertPerson(trx, {
      email: ADMIN_EMAIL, password_hash: passwordHash, first_name: 'Admin', last_name: 'Mirror', current_account_id: account.id, email_checked: true,
    }, now);
    await trx.insertInto('account_members').values({ account_id: account.id, user_id: user.id, role_type: 'owner', has_billing_access: true }).execute();
    await trx.insertInto('api_tokens').values({ user_id: user.id, name: 'bootstrap', token_hash: hash, scopes: [...SCOPES], expired_at: null }).execute();
    await createDemoProducts(trx, account.id, user.id);
    return { email: ADMIN_EMAIL, password, token: secret, accountId: account.id };
  });
}

const anyUser = async (db: Executor) => (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
