import { randomBytes } from 'node:crypto';
import type { App } from '../../src/app.js';
import type { Db } from '../../src/db/database.js';
import type { RoleType } from '../../src/db/types.js';
import { serviceByName } from '../../src/modules/products/services.js';
import { bearer } from '../helper.js';
import { createUser, type TestUser, type UserOverrides } from './users.js';

// Helpers of the invitation tests: members of a given role, teams and products inserted
// directly, the API calls and the outbox rows they leave.

const now = () => Math.floor(Date.now() / 1000);

export const freshEmail = (prefix = 'invitee') => `${prefix}-${randomBytes(5).toString('hex')}@example.test`;

/** A user (with an organisation of their own) who is also a member of `accountId` with `role`. */
export async function addMember(db: Db, accountId: number, role: RoleType, o: UserOverrides = {}): Promise<TestUser> {
  const user = await createUser(db, o);
  await db.insertInto('account_members').values({ account_id: accountId, user_id: user.id, role_type: role }).execute();
  return user;
}

export async function addTeam(db: Db, accountId: number, name = `Team ${randomBytes(3).toString('hex')}`) {
  const team = await db.insertInto('teams').values({ account_id: accountId, name, color_id: 3 }).returning('id').executeTakeFirstOrThrow();
  return team.id;
}

export async function addProduct(db: Db, accountId: number, serviceName = 'domain') {
  const service = serviceByName(serviceName)!;
  const p = await db.insertInto('products')
    .values({ account_id: accountId, service_id: service.id, service_name: service.name, customer_name: `${serviceName}.test`, internal_name: serviceName })
    .returning('id').executeTakeFirstOrThrow();
  return { id: p.id, serviceId: service.id };
}

export function inviteBody(o: Record<string, unknown> = {}) {
  return { email: freshEmail(), first_name: 'Grace', last_name: 'Hopper', locale: 'fr_FR', role_type: 'normal', ...o };
}

export const invite = (app: App, token: string, accountId: number, payload: Record<string, unknown>, query = '') =>
  app.inject({ method: 'POST', url: `/1/accounts/${accountId}/invitations${query}`, headers: bearer(token), payload });

export interface CreatedInvitation {
  id: number;
  email: string;
  status: string;
  role_type: string;
  url_accept: string;
  key: string;
  [field: string]: unknown;
}

/** Invites through the API and returns the invitation with its key (taken from url_accept). */
export async function inviteOk(app: App, token: string, accountId: number, o: Record<string, unknown> = {}): Promise<CreatedInvitation> {
  const res = await invite(app, token, accountId, inviteBody(o));
  if (res.statusCode !== 201) throw new Error(`expected 201, got ${res.statusCode}: ${res.body}`);
  const data = res.json().data;
  return { ...data, key: keyOf(data.url_accept) };
}

export const keyOf = (urlAccept: string) => /\/1\/invitations\/([^/]+)\/accept$/.exec(urlAccept)![1]!;

export const accept = (app: App, key: string, payload?: Record<string, unknown>, token?: string) =>
  app.inject({ method: 'POST', url: `/1/invitations/${key}/accept`, headers: token ? bearer(token) : {}, ...(payload ? { payload } : {}) });

export const decline = (app: App, key: string) => app.inject({ method: 'POST', url: `/1/invitations/${key}/decline` });

export const outbox = (db: Db, recipient: string) =>
  db.selectFrom('notifications_outbox').selectAll().where('recipient', '=', recipient).orderBy('id').execute();

/** Moves an invitation's sent_at (and, optionally, expiry) into the past. */
export function ageInvitation(db: Db, id: number, sentAgoS: number, expiredAgoS?: number) {
  return db.updateTable('invitations')
    .set({ sent_at: now() - sentAgoS, ...(expiredAgoS !== undefined ? { expired_at: now() - expiredAgoS } : {}) })
    .where('id', '=', id).execute();
}

export const membership = (db: Db, accountId: number, userId: number) =>
  db.selectFrom('account_members').selectAll().where('account_id', '=', accountId).where('user_id', '=', userId).executeTakeFirst();
