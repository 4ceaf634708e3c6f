import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { notify } from '../outbox/index.js';
import { recordActivity } from '../activity/record.js';
import { hashToken, verifyPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { admit, clearFailures, countFailure, noticeTime, type Client, type Refusal } from './sign-in-throttle.js';

// Signing in with e-mail and password on the authorization pages. Wrong passwords are
// throttled and noticed by sign-in-throttle.ts; a sign-in from a new network or device leaves a
// security notice in the outbox, unless the user switched that notice off.

export const SESSION_TTL = 30 * 86_400;

export type SignInResult =
  | { ok: true; userId: number; sessionSecret: string; sessionId: number }
  | { ok: false; reason: 'invalid' }
  | ({ ok: false } & Refusal);

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

export async function signIn(db: Db, store: RateLimitStore, email: string, password: string, client: Client): Promise<SignInResult> {
  const admitted = await admit(db, store, email, client);
  if ('reason' in admitted) return { ok: false, ...admitted };
  const { user } = admitted;
  if (!user || !(await verifyPassword(user.password_hash, password))) {
    const lock = await countFailure(db, store, user, client);
    return lock ? { ok: false, ...lock } : { ok: false, reason: 'invalid' };
  }

  const now = nowSeconds();
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
  await clearFailures(db, user.id);
  await db.updateTable('users').set({ last_login_at: now }).where('id', '=', user.id).execute();
  const newPlace = !knownPlace || !knownDevice;
  const at = { user_id: user.id, target_type: 'session', target_id: session.id, ip: client.ip, user_agent: client.userAgent };
  await recordActivity(db, { ...at, action: 'login_success' });
  if (newPlace) await recordActivity(db, { ...at, action: 'new_location_login' });
  if (newPlace && user.successful_connexion_notification) {
    await notify(db, {
      recipient: user.email, user_id: user.id, kind: 'security_new_sign_in',
      subject: 'New sign-in to your account',
      body: `Hello ${user.first_name},\n\nYour account was signed in to on ${noticeTime(now)} from ${client.ip} (${network}) with ${browser} on ${device}, `
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
