import type { ExpressionBuilder, Insertable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database, UserSessionsTable } from '../../db/types.js';
import { signsInAs } from '../users/index.js';
import { USER_COLUMNS } from '../../shared/principal.js';

// The rows signing in reads and writes: the account a sign-in names with its count of wrong
// passwords and its lock, and the sign-in sessions of the authorization pages.

const CANDIDATE_COLUMNS = [
  'id',
  'email',
  'first_name',
  'password_hash',
  'sign_in_locked_until',
  'failed_sign_ins',
  'unsuccessful_connexion_limit',
  'unsuccessful_connexion_rate_limit',
  'unsuccessful_connexion_notification',
  'successful_connexion_notification',
] as const;

/** The account is not locked at `now`. */
const unlockedAt = (now: number) => (eb: ExpressionBuilder<Database, 'users'>) =>
  eb.or([eb('sign_in_locked_until', 'is', null), eb('sign_in_locked_until', '<=', now)]);

/** The account a sign-in names: its count of wrong passwords, its lock, its last sign-in. */
function signInAccounts(db: Executor) {
  return {
    /** The account that signs in as `login` (already lower-cased), if any. */
    candidate: (login: string) =>
      db
        .selectFrom('users')
        .select([...CANDIDATE_COLUMNS])
        .where(signsInAs(login))
        .executeTakeFirst(),

    /**
     * Counts one more try, in one statement (its row lock lasts that statement, so concurrent tries
     * are counted one after the other), unless the account has `limit` already or is locked at
     * `now`: answers the new count, or nothing when no try was left.
     */
    reserveTry: (userId: number, limit: number, now: number) =>
      db
        .updateTable('users')
        .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
        .where('id', '=', userId)
        .where('failed_sign_ins', '<', limit)
        .where(unlockedAt(now))
        .returning('failed_sign_ins')
        .executeTakeFirst(),

    /** Locks the account until `until`, unless it is locked at `now` already (another try locked it first). */
    lockUnlessLocked: (userId: number, until: number, now: number) =>
      db
        .updateTable('users')
        .set({ failed_sign_ins: 0, sign_in_locked_until: until })
        .where('id', '=', userId)
        .where(unlockedAt(now))
        .execute(),

    lockedUntil: (userId: number) =>
      db.selectFrom('users').select('sign_in_locked_until').where('id', '=', userId).executeTakeFirstOrThrow(),

    lock: (userId: number, until: number) =>
      db
        .updateTable('users')
        .set({ failed_sign_ins: 0, sign_in_locked_until: until })
        .where('id', '=', userId)
        .execute(),

    clearFailures: (userId: number) =>
      db
        .updateTable('users')
        .set({ failed_sign_ins: 0, sign_in_locked_until: null })
        .where('id', '=', userId)
        .execute(),

    setLastLogin: (userId: number, at: number) =>
      db.updateTable('users').set({ last_login_at: at }).where('id', '=', userId).execute(),

    emailOf: (userId: number) =>
      db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirstOrThrow(),

    /** The columns a request's caller carries (shared/principal.ts), of a signed-in user. */
    callerColumns: (userId: number) =>
      db.selectFrom('users').select(USER_COLUMNS).where('id', '=', userId).executeTakeFirst(),
  };
}

/** The sign-in sessions of the authorization pages. */
function signInSessions(db: Executor) {
  return {
    /** Where and with what the user signed in before (every session, ended ones included). */
    placesSeen: (userId: number) =>
      db.selectFrom('user_sessions').select(['network', 'browser', 'device']).where('user_id', '=', userId).execute(),

    insertSession: (row: Insertable<UserSessionsTable>) =>
      db.insertInto('user_sessions').values(row).returning('id').executeTakeFirstOrThrow(),

    sessionByHash: (tokenHash: string) =>
      db
        .selectFrom('user_sessions')
        .select(['id', 'user_id', 'created_at', 'expires_at', 'ended_at'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst(),

    touchSession: (id: number, at: number) =>
      db.updateTable('user_sessions').set({ last_accessed_at: at }).where('id', '=', id).execute(),
  };
}

export const signInRepository = (db: Executor) => ({ ...signInAccounts(db), ...signInSessions(db) });

/** The account a sign-in names (with what the throttle and the notices need). */
export type Candidate = NonNullable<Awaited<ReturnType<ReturnType<typeof signInAccounts>['candidate']>>>;
