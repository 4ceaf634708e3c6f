import type { ExpressionBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';

// Creating a person: the user row (they sign in with their email) and that address as the
// profile's main email. Sign-up, invitation acceptance and the first start all go through here.

export interface NewPerson {
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  locale?: string;
  language_id?: number;
  current_account_id: number | null;
  /** Whether the address is known to reach them (an accepted invitation proves it). */
  email_checked: boolean;
}

/** The user a sign-in names: by e-mail or login, case-insensitively (`login` already lower-cased). */
export const signsInAs = (login: string) => (eb: ExpressionBuilder<Database, 'users'>) =>
  eb.or([eb(eb.fn('lower', ['email']), '=', login), eb(eb.fn('lower', ['login']), '=', login)]);

export function people(db: Executor) {
  return {
    async insert(p: NewPerson, now: number) {
      const { email_checked, ...user } = p;
      const row = await db
        .insertInto('users')
        .values({ ...user, login: p.email, password_changed_at: now, updated_at: now })
        .returning(['id', 'email', 'first_name', 'last_name', 'locale', 'language_id'])
        .executeTakeFirstOrThrow();
      await db
        .insertInto('user_emails')
        .values({ user_id: row.id, email: p.email, email_type: 'email', type: 'personal', checked: email_checked })
        .execute();
      return row;
    },
  };
}
