import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export function signupRepository(db: Executor) {
  return {
    emailTaken: (email: string) =>
      db
        .selectFrom('users')
        .select('id')
        .where(sql<string>`lower(email)`, '=', email.toLowerCase())
        .executeTakeFirst(),

    insertAccount: (a: { name: string; currency: 'EUR' | 'CHF'; locale: string; language_id: number; now: number }) =>
      db
        .insertInto('accounts')
        .values({ name: a.name, currency: a.currency, locale: a.locale, language_id: a.language_id, updated_at: a.now })
        .returning('id')
        .executeTakeFirstOrThrow(),

    insertOwner: (accountId: number, userId: number) =>
      db
        .insertInto('account_members')
        .values({ account_id: accountId, user_id: userId, role_type: 'owner', has_billing_access: true })
        .execute(),
  };
}
