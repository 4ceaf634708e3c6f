import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { SCOPES } from '../src/shared/scopes.js';
import { newApiToken } from '../src/shared/secrets.js';

// The people of the bench's data, in the shapes src/modules/mirror/seed.ts and the test
// factories give them (copied here: the bench never imports from test/): organisations,
// users (many at once, set-based), memberships, and pools of API tokens large enough that no
// token comes near the 60-requests-a-minute limit during a run.

export interface Owner {
  userId: number;
  accountId: number;
  tokens: string[];
}

// Nobody signs in during the bench; a constant keeps seeding free of argon2's deliberate cost.
const UNUSABLE_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2g$bench-password-not-usable';
const BATCH = 1000;
const now = () => Math.floor(Date.now() / 1000);

export async function insertAccount(db: Db, name: string): Promise<number> {
  const row = await db
    .insertInto('accounts')
    .values({ name, updated_at: now(), website: 'https://example.test', phone: '+41 22 000 00 00' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * `count` users made members of `accountId` in one statement each way (INSERT … SELECT
 * generate_series), so a hundred thousand take seconds; `label` keeps their emails unique.
 */
export async function insertMembers(db: Db, accountId: number, count: number, label: string): Promise<void> {
  if (count <= 0) return;
  const prefix = `${label}-${randomBytes(3).toString('hex')}`;
  await sql`
    WITH made AS (
      INSERT INTO users (email, password_hash, first_name, last_name, login, current_account_id, password_changed_at, updated_at)
      SELECT 'bench-' || ${prefix} || '-' || g || '@example.test', ${UNUSABLE_PASSWORD_HASH},
             'Member', 'Number ' || g, 'bench-' || ${prefix} || '-' || g || '@example.test', ${accountId}, ${now()}, ${now()}
      FROM generate_series(1, ${count}::int) AS g
      RETURNING id
    )
    INSERT INTO account_members (account_id, user_id, role_type, has_billing_access)
    SELECT ${accountId}, id, CASE WHEN id % 10 = 0 THEN 'admin' ELSE 'normal' END, id % 10 = 0 FROM made`.execute(db);
}

/** A user with an email address, its own organisation's owner (billing access). */
export async function seedOwner(db: Db, label: string, tokenCount: number, accountId?: number): Promise<Owner> {
  const email = `bench-${label}-${randomBytes(5).toString('hex')}@example.test`;
  const account = accountId ?? (await insertAccount(db, `${label} organisation`));
  const user = await db
    .insertInto('users')
    .values({
      email,
      password_hash: UNUSABLE_PASSWORD_HASH,
      first_name: 'Bench',
      last_name: label,
      login: email,
      current_account_id: account,
      password_changed_at: now(),
      updated_at: now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await addOwner(db, account, user.id);
  await db
    .insertInto('user_emails')
    .values({ user_id: user.id, email, email_type: 'email', type: 'personal', checked: true })
    .execute();
  return { userId: user.id, accountId: account, tokens: await insertTokens(db, user.id, tokenCount) };
}

export async function addOwner(db: Db, accountId: number, userId: number): Promise<void> {
  await db
    .insertInto('account_members')
    .values({ account_id: accountId, user_id: userId, role_type: 'owner', has_billing_access: true })
    .execute();
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
