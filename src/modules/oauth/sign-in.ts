import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { notify } from '../../shared/outbox.js';
import { recordActivity } from '../activity/record.js';
import { signsInAs } from '../users/people.repository.js';
import { hashToken, verifyPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';

// Signing in with e-mail and password on the authorization pages. Wrong passwords are
// throttled twice: per account (in the database, so every instance agrees: after the limit in
// a row the account refuses sign-in for a while) and per IP (in the rate-limit store). A wrong
// password and a sign-in from a new network or device each leave a security notice in the
// outbox, unless the user switched that notice off.

export const SESSION_TTL = 30 * 86_400;
const DEFAULT_FAILURE_LIMIT = 10;
export const ACCOUNT_LOCK_SECONDS = 15 * 60;
export const IP_FAILURE_LIMIT = 30;
const IP_WINDOW_MS = 15 * 60_000;

export interface Client { ip: string; userAgent: string }

export type SignInResult =
  | { ok: true; userId: number; sessionSecret: string; sessionId: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked' | 'throttled'; until: number };

/** The /24 of an IPv4 address, the /48 of an IPv6 one: "the same place". */
export function networkOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const groups = ip.split(':').filter(Boolean).slice(0, 3);
  return `${groups.join(':')}::/48`;
}

/** The browser and system a user agent names, roughly (what a security e-mail shows). */
export function deviceOf(userAgent: string): { browser: string; device: string } {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrom(e|ium)\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari' : /curl\//.test(userAgent) ? 'curl' : 'Unknown browser';
  const device = /Windows/.test(userAgent) ? 'Windows' : /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS'
    : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : 'Unknown system';
  return { browser, device };
}

const when = (s: number) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export async function signIn(db: Db, store: RateLimitStore, email: string, password: string, client: Client): Promise<SignInResult> {
  const now = nowSeconds();
  const ipKey = `signin-ip:${client.ip}`;
  if ((await store.peek(ipKey).catch(() => 0)) >= IP_FAILURE_LIMIT) return { ok: false, reason: 'throttled', until: now + IP_WINDOW_MS / 1000 };

  const login = email.trim().toLowerCase();
  const user = await db.selectFrom('users')
    .select(['id', 'email', 'first_name', 'password_hash', 'sign_in_locked_until', 'unsuccessful_connexion_limit',
      'unsuccessful_connexion_rate_limit', 'unsuccessful_connexion_notification', 'successful_connexion_notification'])
    .where(signsInAs(login))
    .executeTakeFirst();
  if (user?.sign_in_locked_until && Number(user.sign_in_locked_until) > now) return { ok: false, reason: 'locked', until: Number(user.sign_in_locked_until) };

  if (!user || !(await verifyPassword(user.password_hash, password))) {
    await store.hit(ipKey, IP_WINDOW_MS).catch(() => undefined);
    if (!user) return { ok: false, reason: 'invalid' };
    await recordActivity(db, { user_id: user.id, action: 'login_failed', target_type: 'user', target_id: user.id, ip: client.ip, user_agent: client.userAgent });
    const limit = user.unsuccessful_connexion_limit ? user.unsuccessful_connexion_rate_limit : DEFAULT_FAILURE_LIMIT;
    // Counted in SQL so concurrent wrong passwords each count.
    const { failed_sign_ins: failures } = await db.updateTable('users').set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
      .where('id', '=', user.id).returning('failed_sign_ins').executeTakeFirstOrThrow();
    const locks = failures >= limit;
    if (locks) await db.updateTable('users').set({ failed_sign_ins: 0, sign_in_locked_until: now + ACCOUNT_LOCK_SECONDS }).where('id', '=', user.id).execute();
    if (user.unsuccessful_connexion_notification) {
      await notify(db, {
        recipient: user.email, user_id: user.id, kind: 'security_wrong_password',
        subject: 'A wrong password was entered for your account',
        body: `Hello ${user.first_name},\n\nSomeone entered a wrong password for your account on ${when(now)} from ${client.ip} (${client.userAgent || 'unknown browser'}).`
          + (locks ? `\n\nAfter ${limit} wrong passwords in a row, sign-in is refused until ${when(now + ACCOUNT_LOCK_SECONDS)}.` : '')
          + '\n\nIf it was not you, change your password.',
      });
    }
    return locks ? { ok: false, reason: 'locked', until: now + ACCOUNT_LOCK_SECONDS } : { ok: false, reason: 'invalid' };
  }

  const network = networkOf(client.ip);
  const { browser, device } = deviceOf(client.userAgent);
  const seen = await db.selectFrom('user_sessions').select(['network', 'browser', 'device']).where('user_id', '=', user.id).execute();
  const knownPlace = seen.some((s) => s.network === network);
  const knownDevice = seen.some((s) => s.browser === browser && s.device === device);
  const secret = `ikmsess_${randomBytes(32).toString('base64url')}`;
  const session = await db.insertInto('user_sessions').values({
    user_id: user.id, browser, device, location: network, ip: client.ip, user_agent: client.userAgent.slice(0, 512), last_accessed_at: now,
    token_hash: hashToken(secret), network, expires_at: now + SESSION_TTL, ended_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  await db.updateTable('users').set({ failed_sign_ins: 0, sign_in_locked_until: null, last_login_at: now }).where('id', '=', user.id).execute();
  const newPlace = !knownPlace || !knownDevice;
  const at = { user_id: user.id, target_type: 'session', target_id: session.id, ip: client.ip, user_agent: client.userAgent };
  await recordActivity(db, { ...at, action: 'login_success' });
  if (newPlace) await recordActivity(db, { ...at, action: 'new_location_login' });
  if (newPlace && user.successful_connexion_notification) {
    await notify(db, {
      recipient: user.email, user_id: user.id, kind: 'security_new_sign_in',
      subject: 'New sign-in to your account',
      body: `Hello ${user.first_name},\n\nYour account was signed in to on ${when(now)} from ${client.ip} (${network}) with ${browser} on ${device}, `
        + `${!knownPlace ? 'a network' : 'a device'} not seen before for your account.\n\nIf it was not you, change your password and end that session.`,
    });
  }
  return { ok: true, userId: user.id, sessionSecret: secret, sessionId: session.id };
}

/** The signed-in user behind a session cookie, if the session is live. */
export async function sessionUser(db: Db, secret: string | undefined): Promise<{ userId: number; sessionId: number; tokenHash: string; authTime: number } | undefined> {
  if (!secret) return undefined;
  const tokenHash = hashToken(secret);
  const row = await db.selectFrom('user_sessions').select(['id', 'user_id', 'created_at', 'expires_at', 'ended_at'])
    .where('token_hash', '=', tokenHash).executeTakeFirst();
  const now = nowSeconds();
  if (!row || row.ended_at !== null || (row.expires_at !== null && Number(row.expires_at) <= now)) return undefined;
  await db.updateTable('user_sessions').set({ last_accessed_at: now }).where('id', '=', row.id).execute();
  return { userId: row.user_id, sessionId: row.id, tokenHash, authTime: Number(row.created_at) };
}
