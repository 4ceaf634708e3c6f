import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/database.js';
import { SCOPES } from '../../src/shared/scopes.js';
import { hashPassword, newApiToken } from '../../src/shared/secrets.js';

export interface TestUser {
  id: number;
  email: string;
  password: string;
  accountId: number;
  token: string;
  tokenId: number;
}

export interface UserOverrides {
  email?: string;
  password?: string;
  first_name?: string;
  last_name?: string;
  scopes?: string[];
  tokenExpiredAt?: number | null;
}

// Argon2 is slow on purpose; the test password is hashed once per process.
let cachedHash: Promise<string> | undefined;
const DEFAULT_PASSWORD = 'Correct-Horse-7';

/** A user who is the owner of an organisation of their own, with an API token. */
export async function createUser(db: Db, o: UserOverrides = {}): Promise<TestUser> {
  const email = o.email ?? `user-${randomBytes(5).toString('hex')}@example.test`;
  const password = o.password ?? DEFAULT_PASSWORD;
  const passwordHash = o.password
    ? await hashPassword(o.password)
    : await (cachedHash ??= hashPassword(DEFAULT_PASSWORD));
  const now = Math.floor(Date.now() / 1000);
  const account = await db
    .insertInto('accounts')
    .values({ name: `Org of ${email}`, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = await db
    .insertInto('users')
    .values({
      email,
      password_hash: passwordHash,
      first_name: o.first_name ?? 'Ada',
      last_name: o.last_name ?? 'Lovelace',
      login: email,
      current_account_id: account.id,
      password_changed_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('account_members')
    .values({ account_id: account.id, user_id: user.id, role_type: 'owner', has_billing_access: true })
    .execute();
  await db
    .insertInto('user_emails')
    .values({ user_id: user.id, email, email_type: 'email', type: 'personal', checked: true })
    .execute();
  const token = await createToken(db, user.id, o.scopes ?? [...SCOPES], o.tokenExpiredAt ?? null);
  return { id: user.id, email, password, accountId: account.id, token: token.secret, tokenId: token.id };
}

export async function createToken(db: Db, userId: number, scopes: string[], expiredAt: number | null = null) {
  const { secret, hash } = newApiToken();
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name: 'test', token_hash: hash, scopes, expired_at: expiredAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, secret };
}
