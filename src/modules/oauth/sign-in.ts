import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { inTransaction } from '../../db/transaction.js';
import { outbox } from '../outbox/index.js';
import { hashToken, verifyPassword } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { activityLog } from '../activity/index.js';
import { signInRepository, type Candidate } from './sign-in.repository.js';
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
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /curl\//.test(userAgent)
            ? 'curl'
            : 'Unknown browser';
  const device = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : 'Unknown system';
  return { browser, device };
}

interface Place {
  network: string;
  browser: string;
  device: string;
}

/** The security notice of a sign-in from a network or a device not seen before. */
function newSignInNotice(user: Candidate, client: Client, place: Place, now: number, knownPlace: boolean) {
  return {
    recipient: user.email,
    user_id: user.id,
    kind: 'security_new_sign_in',
    subject: 'New sign-in to your account',
    body:
      `Hello ${user.first_name},\n\nYour account was signed in to on ${noticeTime(now)} from ${client.ip} (${place.network}) with ${place.browser} on ${place.device}, ` +
      `${!knownPlace ? 'a network' : 'a device'} not seen before for your account.\n\nIf it was not you, change your password and end that session.`,
  };
}

/** Opens the session of a right password, with its activity lines and, from a new place, its notice; answers the session's id. */
async function openSession(
  trx: Transaction<Database>,
  user: Candidate,
  client: Client,
  secret: string,
): Promise<number> {
  const now = nowSeconds();
  const place = { network: networkOf(client.ip), ...deviceOf(client.userAgent) };
  const signIns = signInRepository(trx);
  const seen = await signIns.placesSeen(user.id);
  const knownPlace = seen.some((s) => s.network === place.network);
  const knownDevice = seen.some((s) => s.browser === place.browser && s.device === place.device);
  const session = await signIns.insertSession({
    user_id: user.id,
    browser: place.browser,
    device: place.device,
    location: place.network,
    ip: client.ip,
    user_agent: client.userAgent.slice(0, 512),
    last_accessed_at: now,
    token_hash: hashToken(secret),
    network: place.network,
    expires_at: now + SESSION_TTL,
    ended_at: null,
  });
  await clearFailures(trx, user.id);
  await signIns.setLastLogin(user.id, now);
  const newPlace = !knownPlace || !knownDevice;
  const at = {
    user_id: user.id,
    target_type: 'session',
    target_id: session.id,
    ip: client.ip,
    user_agent: client.userAgent,
  };
  await activityLog(trx).record({ ...at, action: 'login_success' });
  if (newPlace) await activityLog(trx).record({ ...at, action: 'new_location_login' });
  if (newPlace && user.successful_connexion_notification)
    await outbox(trx).notify(newSignInNotice(user, client, place, now, knownPlace));
  return session.id;
}

export async function signIn(
  db: Db,
  store: RateLimitStore,
  email: string,
  password: string,
  client: Client,
): Promise<SignInResult> {
  const admitted = await admit(db, store, email, client);
  if ('reason' in admitted) return { ok: false, ...admitted };
  const { user } = admitted;
  if (!user || !(await verifyPassword(user.password_hash, password))) {
    const lock = await countFailure(db, store, user, client);
    return lock ? { ok: false, ...lock } : { ok: false, reason: 'invalid' };
  }
  const secret = `ikmsess_${randomBytes(32).toString('base64url')}`;
  const sessionId = await inTransaction(db, (trx) => openSession(trx, user, client, secret));
  return { ok: true, userId: user.id, sessionSecret: secret, sessionId };
}

type LiveSession = { userId: number; sessionId: number; tokenHash: string; authTime: number };

/** The session behind a session cookie, if it is live; read only. */
export async function liveSession(db: Db, secret: string | undefined): Promise<LiveSession | undefined> {
  if (!secret) return undefined;
  const tokenHash = hashToken(secret);
  const row = await signInRepository(db).sessionByHash(tokenHash);
  const now = nowSeconds();
  if (!row || row.ended_at !== null || (row.expires_at !== null && Number(row.expires_at) <= now)) return undefined;
  return { userId: row.user_id, sessionId: row.id, tokenHash, authTime: Number(row.created_at) };
}

/** The signed-in user behind a session cookie, if the session is live; the session's last access noted. */
export async function sessionUser(db: Db, secret: string | undefined): Promise<LiveSession | undefined> {
  const session = await liveSession(db, secret);
  if (session) await signInRepository(db).touchSession(session.sessionId, nowSeconds());
  return session;
}

/** The e-mail address of a signed-in user (the consent page shows it). */
export const signedInEmail = async (db: Db, userId: number) => (await signInRepository(db).emailOf(userId)).email;
