import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { notify } from '../outbox/index.js';
import { nowSeconds } from '../../shared/time.js';
import { recordActivity } from '../activity/record.js';
import { signsInAs } from '../users/people.repository.js';

// Wrong passwords are throttled wherever a password is tried (the sign-in page, the password
// grant of /token), on the same counters: per account (in the database, so every instance
// agrees: after the limit in a row the account refuses sign-in for a while) and per IP (in the
// rate-limit store). Each wrong password leaves a security notice in the outbox, unless the
// user switched that notice off.

const DEFAULT_FAILURE_LIMIT = 10;
const ACCOUNT_LOCK_SECONDS = 15 * 60;
const IP_FAILURE_LIMIT = 30;
const IP_WINDOW_MS = 15 * 60_000;

export interface Client { ip: string; userAgent: string }

/** Why no password may be tried now, and until when (epoch seconds). */
export interface Refusal { reason: 'locked' | 'throttled'; until: number }

const ipKey = (client: Client) => `signin-ip:${client.ip}`;
/** A time as the security notices give it: `2026-03-01 14:05 UTC`. */
export const noticeTime = (s: number) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function findCandidate(db: Db, login: string) {
  return db.selectFrom('users')
    .select(['id', 'email', 'first_name', 'password_hash', 'sign_in_locked_until', 'failed_sign_ins', 'unsuccessful_connexion_limit',
      'unsuccessful_connexion_rate_limit', 'unsuccessful_connexion_notification', 'successful_connexion_notification'])
    .where(signsInAs(login))
    .executeTakeFirst();
}

/** The account a sign-in names (with what the throttle and the notices need). */
export type Candidate = NonNullable<Awaited<ReturnType<typeof findCandidate>>>;

const failureLimit = (user: Pick<Candidate, 'unsuccessful_connexion_limit' | 'unsuccessful_connexion_rate_limit'>) =>
  (user.unsuccessful_connexion_limit ? user.unsuccessful_connexion_rate_limit : DEFAULT_FAILURE_LIMIT);

/**
 * Takes one of the account's tries before its password is checked, in one statement, so that
 * concurrent wrong passwords cannot all be checked before the first of them is counted: the
 * count is of tries, and a right password clears it. None left: the account locks (if a
 * lowered limit or a try still running has not locked it already).
 */
async function reserveTry(db: Db, user: Candidate, now: number): Promise<Refusal | { user: Candidate }> {
  const unlocked = (eb: ExpressionBuilder<Database, 'users'>) => eb.or([eb('sign_in_locked_until', 'is', null), eb('sign_in_locked_until', '<=', now)]);
  const reserved = await db.updateTable('users').set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
    .where('id', '=', user.id).where('failed_sign_ins', '<', failureLimit(user)).where(unlocked)
    .returning('failed_sign_ins').executeTakeFirst();
  if (reserved) return { user: { ...user, failed_sign_ins: reserved.failed_sign_ins } };
  const until = now + ACCOUNT_LOCK_SECONDS;
  await db.updateTable('users').set({ failed_sign_ins: 0, sign_in_locked_until: until }).where('id', '=', user.id).where(unlocked).execute();
  const { sign_in_locked_until: lock } = await db.selectFrom('users').select('sign_in_locked_until').where('id', '=', user.id).executeTakeFirstOrThrow();
  return { reason: 'locked', until: lock ? Number(lock) : until };
}

/** Whoever signs in as `login` (maybe nobody), with one of its tries taken, unless the IP or the account may try no password now. */
export async function admit(db: Db, store: RateLimitStore, login: string, client: Client): Promise<Refusal | { user: Candidate | undefined }> {
  const now = nowSeconds();
  if ((await store.peek(ipKey(client)).catch(() => 0)) >= IP_FAILURE_LIMIT) return { reason: 'throttled', until: now + IP_WINDOW_MS / 1000 };
  const user = await findCandidate(db, login.trim().toLowerCase());
  if (!user) return { user };
  if (user.sign_in_locked_until && Number(user.sign_in_locked_until) > now) return { reason: 'locked', until: Number(user.sign_in_locked_until) };
  return reserveTry(db, user, now);
}

/** Counts a wrong password against the IP (the account counted it in admit()); answers the lock it sets, if it was the last try allowed. */
export async function countFailure(db: Db, store: RateLimitStore, user: Candidate | undefined, client: Client): Promise<Refusal | undefined> {
  await store.hit(ipKey(client), IP_WINDOW_MS).catch(() => undefined);
  if (!user) return undefined;
  const now = nowSeconds();
  await recordActivity(db, { user_id: user.id, action: 'login_failed', target_type: 'user', target_id: user.id, ip: client.ip, user_agent: client.userAgent });
  const limit = failureLimit(user);
  // The try was counted when admit() took it (user.failed_sign_ins is that count).
  const locks = user.failed_sign_ins >= limit;
  if (locks) await db.updateTable('users').set({ failed_sign_ins: 0, sign_in_locked_until: now + ACCOUNT_LOCK_SECONDS }).where('id', '=', user.id).execute();
  if (user.unsuccessful_connexion_notification) {
    await notify(db, {
      recipient: user.email, user_id: user.id, kind: 'security_wrong_password',
      subject: 'A wrong password was entered for your account',
      body: `Hello ${user.first_name},\n\nSomeone entered a wrong password for your account on ${noticeTime(now)} from ${client.ip} (${client.userAgent || 'unknown browser'}).`
        + (locks ? `\n\nAfter ${limit} wrong passwords in a row, sign-in is refused until ${noticeTime(now + ACCOUNT_LOCK_SECONDS)}.` : '')
        + '\n\nIf it was not you, change your password.',
    });
  }
  return locks ? { reason: 'locked', until: now + ACCOUNT_LOCK_SECONDS } : undefined;
}

/** A right password: the wrong ones before it no longer count. */
export async function clearFailures(db: Db, userId: number): Promise<void> {
  await db.updateTable('users').set({ failed_sign_ins: 0, sign_in_locked_until: null }).where('id', '=', userId).execute();
}

/** What the refused user is told (the time in UTC, as the notices give it). */
export function refusalMessage(r: Refusal): string {
  const until = new Date(r.until * 1000).toISOString().slice(11, 16);
  return r.reason === 'locked' ? `Too many wrong passwords for this account: sign-in is refused until ${until} UTC.`
    : `Too many wrong passwords from your network: try again after ${until} UTC.`;
}
