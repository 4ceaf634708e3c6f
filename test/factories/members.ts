import type { Db } from '../../src/db/database.js';
import { bearer } from '../helper.js';
import { type App, failedAttributes, membership } from './organisations.js';

// What the members tests read back from the database, and the members routes they call. The
// organisation itself (createOrg, members, teams, products, invitations) comes from ./organisations.js.

export async function roleOf(db: Db, accountId: number, userId: number) {
  return (await membership(db, accountId, userId))?.role_type;
}

export async function ownerCount(db: Db, accountId: number) {
  const rows = await db.selectFrom('account_members').select('user_id').where('account_id', '=', accountId).where('role_type', '=', 'owner').execute();
  return rows.length;
}

export async function memberIds(db: Db, accountId: number) {
  const rows = await db.selectFrom('account_members').select('user_id').where('account_id', '=', accountId).orderBy('user_id').execute();
  return rows.map((r) => r.user_id);
}

// Thin wrappers around the members routes, so each test reads as the call it makes.

type Payload = Record<string, unknown>;

export const listUsers = (app: App, token: string | undefined, accountId: number, query = '') =>
  app.inject({ method: 'GET', url: `/2/accounts/${accountId}/users${query ? `?${query}` : ''}`, headers: token ? bearer(token) : {} });

export const getUser = (app: App, token: string | undefined, accountId: number, userId: number, query = '') =>
  app.inject({ method: 'GET', url: `/2/accounts/${accountId}/users/${userId}${query ? `?${query}` : ''}`, headers: token ? bearer(token) : {} });

export const patchUser = (app: App, token: string | undefined, accountId: number, userId: number, payload: Payload) =>
  app.inject({ method: 'PATCH', url: `/2/accounts/${accountId}/users/${userId}`, headers: token ? bearer(token) : {}, payload });

export const deleteUser = (app: App, token: string | undefined, accountId: number, userId: number) =>
  app.inject({ method: 'DELETE', url: `/2/accounts/${accountId}/users/${userId}`, headers: token ? bearer(token) : {} });

export const removeUsers = (app: App, token: string | undefined, accountId: number, userIds: unknown) =>
  app.inject({ method: 'POST', url: `/2/accounts/${accountId}/users/remove`, headers: token ? bearer(token) : {}, payload: { user_ids: userIds } });

export const leave = (app: App, token: string | undefined, accountId: number) =>
  app.inject({ method: 'POST', url: `/1/accounts/${accountId}/leave`, headers: token ? bearer(token) : {} });

export const handOver = (app: App, token: string | undefined, accountId: number, payload: Payload) =>
  app.inject({ method: 'POST', url: `/1/accounts/${accountId}/legal_responsible`, headers: token ? bearer(token) : {}, payload });

interface ErrorBody {
  result: string;
  error: { code: string; description: string; context?: Record<string, unknown>; errors?: { code: string; context: { attribute: string; values?: unknown[] } }[] };
}

/** The error part of a refusal: status, code, reason and the attributes a 422 names. */
export function refusal(res: { statusCode: number; json(): unknown }) {
  const body = res.json() as ErrorBody;
  return {
    status: res.statusCode,
    code: body.error?.code,
    reason: body.error?.context?.reason,
    attributes: failedAttributes(body),
  };
}
