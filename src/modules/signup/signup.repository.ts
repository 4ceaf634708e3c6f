import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';

export interface NewUser {
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  locale: string;
  language_id: number;
  now: number;
}

export function signupRepository(db: Executor) {
  return {
    emailTaken: (email: string) =>
      db.selectFrom('users').select('id').where(sql<string>`lower(email)`, '=', email.toLowerCase()).executeTakeFirst(),

    insertAccount: (a: { name: string; currency: 'EUR' | 'CHF'; locale: string; language_id: number; now: number }) =>
      db.insertInto('accounts')
        .values({ name: a.name, currency: a.currency, locale: a.locale, language_id: a.language_id, updated_at: a.now })
        .returning('id').executeTakeFirstOrThrow(),

    insertUser: (u: NewUser, accountId: number) =>
      db.insertInto('users')
        .values({
          email: u.email, password_hash: u.password_hash, first_name: u.first_name, last_name: u.last_name, login: u.email,
          locale: u.locale, language_id: u.language_id, current_account_id: accountId, password_changed_at: u.now, updated_at: u.now,
        })
        .returning(['id', 'email', 'first_name', 'last_name', 'locale', 'language_id'])
        .executeTakeFirstOrThrow(),

    insertPrimaryEmail: (userId: number, email: string) =>
      db.insertInto('user_emails').values({ user_id: userId, email, email_type: 'email', type: 'personal', checked: false }).execute(),

    insertOwner: (accountId: number, userId: number) =>
      db.insertInto('account_members').values({ account_id: accountId, user_id: userId, role_type: 'owner', has_billing_access: true }).execute(),
  };
}
