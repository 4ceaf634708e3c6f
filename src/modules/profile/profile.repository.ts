import type { Transaction, Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database, UsersTable } from '../../db/types.js';
import { USER_COLUMNS } from '../../shared/principal.js';

const EMAIL_COLUMNS = ['id', 'email', 'created_at', 'reminder', 'checked', 'type'] as const;
const PHONE_COLUMNS = ['id', 'phone', 'created_at', 'reminder', 'checked', 'type'] as const;
const SESSION_COLUMNS = ['id', 'browser', 'last_accessed_at', 'device', 'location', 'ip', 'user_agent'] as const;

/**
 * Locks the user's row until the transaction ends: profile changes of one user are applied one
 * at a time. It takes a transaction, not the database: a lock outside one would end at once.
 */
export const lockUser = (trx: Transaction<Database>, userId: number) =>
  trx
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirstOrThrow();

/** The user's own row: its changes, and the checks they need. */
function userRows(db: Executor) {
  return {
    updateUser: (userId: number, changes: Updateable<UsersTable>) =>
      db.updateTable('users').set(changes).where('id', '=', userId).returning(USER_COLUMNS).executeTakeFirstOrThrow(),

    emailTaken: (email: string, exceptUserId: number) =>
      db
        .selectFrom('users')
        .select('id')
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
        .where('id', '!=', exceptUserId)
        .executeTakeFirst(),

    isMember: (userId: number, accountId: number) =>
      db
        .selectFrom('account_members')
        .select('account_id')
        .where('user_id', '=', userId)
        .where('account_id', '=', accountId)
        .executeTakeFirst(),

    renameEmail: (userId: number, from: string, to: string) =>
      db
        .updateTable('user_emails')
        .set({ email: to, checked: false })
        .where('user_id', '=', userId)
        .where('email', '=', from)
        .execute(),
  };
}

/** The user's email addresses and phone numbers. */
function contactRows(db: Executor) {
  return {
    emails: (userId: number) =>
      db.selectFrom('user_emails').select(EMAIL_COLUMNS).where('user_id', '=', userId).orderBy('id').execute(),
    email: (userId: number, kind: 'email' | 'email_request', id: number) =>
      db
        .selectFrom('user_emails')
        .select(EMAIL_COLUMNS)
        .where('user_id', '=', userId)
        .where('email_type', '=', kind)
        .where('id', '=', id)
        .executeTakeFirst(),
    deleteEmail: (id: number) => db.deleteFrom('user_emails').where('id', '=', id).execute(),

    phones: (userId: number) =>
      db.selectFrom('user_phones').select(PHONE_COLUMNS).where('user_id', '=', userId).orderBy('id').execute(),
    phone: (userId: number, id: number) =>
      db
        .selectFrom('user_phones')
        .select(PHONE_COLUMNS)
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst(),
    deletePhone: (id: number) => db.deleteFrom('user_phones').where('id', '=', id).execute(),
  };
}

/** The user's sessions. */
function sessionRows(db: Executor) {
  return {
    dropSessionsExcept: (userId: number, keep: number[]) => {
      let q = db.deleteFrom('user_sessions').where('user_id', '=', userId);
      if (keep.length) q = q.where('id', 'not in', keep);
      return q.execute();
    },

    /** Live sessions only: not ended, not past their expiry. */
    sessions: (userId: number, now: number) =>
      db
        .selectFrom('user_sessions')
        .select(SESSION_COLUMNS)
        .where('user_id', '=', userId)
        .where('ended_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('last_accessed_at', 'desc')
        .execute(),

    /** Ends one of the user's sessions; false when there is no such session still going. */
    async endSession(userId: number, sessionId: number, at: number): Promise<boolean> {
      const r = await db
        .updateTable('user_sessions')
        .set({ ended_at: at })
        .where('id', '=', sessionId)
        .where('user_id', '=', userId)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}

/** The avatar, kept in the user's row. */
function avatarRows(db: Executor) {
  return {
    setAvatar: (userId: number, version: string | null, image: Buffer | null, mime: string | null) =>
      db
        .updateTable('users')
        .set({ avatar: version, avatar_image: image, avatar_mime: mime })
        .where('id', '=', userId)
        .execute(),
    avatarImage: (userId: number) =>
      db
        .selectFrom('users')
        .select(['avatar', 'avatar_image', 'avatar_mime', 'first_name', 'last_name'])
        .where('id', '=', userId)
        .executeTakeFirst(),
  };
}

export const profileRepository = (db: Executor) => ({
  ...userRows(db),
  ...contactRows(db),
  ...sessionRows(db),
  ...avatarRows(db),
});
