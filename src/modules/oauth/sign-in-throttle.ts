import type { Db, Executor } from '../../db/database.js';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { inTransaction } from '../../db/transaction.js';
import { outbox } from '../outbox/index.js';
import { nowSeconds } from '../../shared/time.js';
import { activityLog } from '../activity/index.js';
import { signInRepository, type Candidate } from './sign-in.repository.js';

// Wrong passwords are throttled wherever a password is tried (the sign-in page, the password
// grant of /token), on the same counters: per account (in the database, so every instance
// agrees: after the limit in a row the account refuses sign-in for a while) and per IP (in the
// rate-limit store). Each wrong password leaves a security notice in the outbox, unless the
// user switched that notice off.

const DEFAULT_FAILURE_LIMIT = 10;
const ACCOUNT_LOCK_SECONDS = 15 * 60;
const IP_FAILURE_LIMIT = 30;
const IP_WINDOW_MS = 15 * 60_000;

export interface Client {
  ip: string;
  userAgent: string;
}

/** Why no password may be tried now, and until when (epoch seconds). */
export interface Refusal {
  reason: 'locked' | 'throttled';
  until: number;
}

const ipKey = (client: Client) => `signin-ip:${client.ip}`;
/** A time as the security notices give it: `2026-03-01 14:05 UTC`. */
export const noticeTime = (s: number) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

const failureLimit = (user: Pick<Candidate, 'unsuccessful_connexion_limit' | 'unsuccessful_connexion_rate_limit'>) =>
  user.unsuccessful_connexion_limit ? user.unsuccessful_connexion_rate_limit : DEFAULT_FAILURE_LIMIT;

/**
 * Takes one of the account's tries before its password is checked, in one statement, so that
 * concurrent wrong passwords cannot all be checked before the first of them is counted: the
 * count is of tries, and a right password clears it. None left: the account locks (if a
 * lowered limit or a try still running has not locked it already).
 */
async function reserveTry(db: Db, user: Candidate, now: number): Promise<Refusal | { user: Candidate }> {
  const accounts = signInRepository(db);
  const reserved = await accounts.reserveTry(user.id, failureLimit(user), now);
  if (reserved) return { user: { ...user, failed_sign_ins: reserved.failed_sign_ins } };
  const until = now + ACCOUNT_LOCK_SECONDS;
  await accounts.lockUnlessLocked(user.id, until, now);
  const { sign_in_locked_until: lock } = await accounts.lockedUntil(user.id);
  return { reason: 'locked', until: lock ? Number(lock) : until };
}

/** Whoever signs in as `login` (maybe nobody), with one of its tries taken, unless the IP or the account may try no password now. */
export async function admit(
  db: Db,
  store: RateLimitStore,
  login: string,
  client: Client,
): Promise<Refusal | { user: Candidate | undefined }> {
  const now = nowSeconds();
  if ((await store.peek(ipKey(client)).catch(() => 0)) >= IP_FAILURE_LIMIT)
    return { reason: 'throttled', until: now + IP_WINDOW_MS / 1000 };
  const user = await signInRepository(db).candidate(login.trim().toLowerCase());
  if (!user) return { user };
  if (user.sign_in_locked_until && Number(user.sign_in_locked_until) > now)
    return { reason: 'locked', until: Number(user.sign_in_locked_until) };
  return reserveTry(db, user, now);
}

/** The security notice of a wrong password (and of the lock it set, if it set one). */
function wrongPasswordNotice(user: Candidate, client: Client, now: number, lockedAfter: number | undefined) {
  return {
    recipient: user.email,
    user_id: user.id,
    kind: 'security_wrong_password',
    subject: 'A wrong password was entered for your account',
    body:
      `Hello ${user.first_name},\n\nSomeone entered a wrong password for your account on ${noticeTime(now)} from ${client.ip} (${client.userAgent || 'unknown browser'}).` +
      (lockedAfter !== undefined
        ? `\n\nAfter ${lockedAfter} wrong passwords in a row, sign-in is refused until ${noticeTime(now + ACCOUNT_LOCK_SECONDS)}.`
        : '') +
      '\n\nIf it was not you, change your password.',
  };
}

/** Counts a wrong password against the IP (the account counted it in admit()); answers the lock it sets, if it was the last try allowed. */
export async function countFailure(
  db: Db,
  store: RateLimitStore,
  user: Candidate | undefined,
  client: Client,
): Promise<Refusal | undefined> {
  await store.hit(ipKey(client), IP_WINDOW_MS).catch(() => undefined);
  if (!user) return undefined;
  const now = nowSeconds();
  const limit = failureLimit(user);
  // The try was counted when admit() took it (user.failed_sign_ins is that count).
  const locks = user.failed_sign_ins >= limit;
  await inTransaction(db, async (trx) => {
    await activityLog(trx).record({
      user_id: user.id,
      action: 'login_failed',
      target_type: 'user',
      target_id: user.id,
      ip: client.ip,
      user_agent: client.userAgent,
    });
    if (locks) await signInRepository(trx).lock(user.id, now + ACCOUNT_LOCK_SECONDS);
    if (user.unsuccessful_connexion_notification)
      await outbox(trx).notify(wrongPasswordNotice(user, client, now, locks ? limit : undefined));
  });
  return locks ? { reason: 'locked', until: now + ACCOUNT_LOCK_SECONDS } : undefined;
}

/** A right password: the wrong ones before it no longer count. */
export async function clearFailures(db: Executor, userId: number): Promise<void> {
  await signInRepository(db).clearFailures(userId);
}

/** What the refused user is told (the time in UTC, as the notices give it). */
export function refusalMessage(r: Refusal): string {
  const until = new Date(r.until * 1000).toISOString().slice(11, 16);
  return r.reason === 'locked'
    ? `Too many wrong passwords for this account: sign-in is refused until ${until} UTC.`
    : `Too many wrong passwords from your network: try again after ${until} UTC.`;
}
