import { randomBytes } from 'node:crypto';
import type { Db } from '../src/db/database.js';
import { SCOPES } from '../src/shared/scopes.js';
import { newApiToken } from '../src/shared/secrets.js';

// The benchmark's data: one user who owns an organisation (as test/factories/users.ts makes
// them, copied here so the bench never imports from test/), and a pool of API tokens large
// enough that no token comes near the 60-requests-a-minute limit during a run.

export interface BenchUser {
  id: number;
  accountId: number;
  tokens: string[];
}

// Nobody signs in during the bench; a constant keeps seeding free of argon2's deliberate cost.
const UNUSABLE_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2g$bench-password-not-usable';
const BATCH = 1000;

export async function seedBenchUser(db: Db, tokenCount: number): Promise<BenchUser> {
  const email = `bench-${randomBytes(5).toString('hex')}@example.test`;
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
      password_hash: UNUSABLE_PASSWORD_HASH,
      first_name: 'Bench',
      last_name: 'Mark',
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
  return { id: user.id, accountId: account.id, tokens: await insertTokens(db, user.id, tokenCount) };
}

async function insertTokens(db: Db, userId: number, count: number): Promise<string[]> {
  const secrets: string[] = [];
  for (let done = 0; done < count; done += BATCH) {
    const rows = [];
    for (let i = done; i < Math.min(count, done + BATCH); i++) {
      const { secret, hash } = newApiToken();
      secrets.push(secret);
      rows.push({ user_id: userId, name: `bench-${i}`, token_hash: hash, scopes: [...SCOPES], expired_at: null });
    }
    await db.insertInto('api_tokens').values(rows).execute();
  }
  return secrets;
}
