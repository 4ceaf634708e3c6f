import type { Db } from '../../src/db/database.js';
import { call } from '../helper.js';
import { type App, failedAttributes, membership } from './organisations.js';

// What the members tests read back from the database, and the members routes they call. The
// organisation itself (createOrg, members, teams, products, invitations) comes from ./organisations.js.

export async function roleOf(db: Db, accountId: number, userId: number) {
  return (await membership(db, accountId, userId))?.role_type;
}

export async function ownerCount(db: Db, accountId: number) {
  const rows = await db
    .selectFrom('account_members')
    .select('user_id')
    .where('account_id', '=', accountId)
    .where('role_type', '=', 'owner')
    .execute();
  return rows.length;
}

export async function memberIds(db: Db, accountId: number) {
  const rows = await db
    .selectFrom('account_members')
    .select('user_id')
    .where('account_id', '=', accountId)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

// Thin wrappers around the members routes, so each test reads as the call it makes.

type Payload = Record<string, unknown>;

export const listUsers = (app: App, token: string | undefined, accountId: number, query = '') =>
  call(app, token, 'GET', `/2/accounts/${accountId}/users${query ? `?${query}` : ''}`);

export const getUser = (app: App, token: string | undefined, accountId: number, userId: number, query = '') =>
  call(app, token, 'GET', `/2/accounts/${accountId}/users/${userId}${query ? `?${query}` : ''}`);

export const patchUser = (app: App, token: string | undefined, accountId: number, userId: number, payload: Payload) =>
  call(app, token, 'PATCH', `/2/accounts/${accountId}/users/${userId}`, payload);

export const deleteUser = (app: App, token: string | undefined, accountId: number, userId: number) =>
  call(app, token, 'DELETE', `/2/accounts/${accountId}/users/${userId}`);

export const removeUsers = (app: App, token: string | undefined, accountId: number, userIds: unknown) =>
  call(app, token, 'POST', `/2/accounts/${accountId}/users/remove`, { user_ids: userIds });

export const leave = (app: App, token: string | undefined, accountId: number) =>
  call(app, token, 'POST', `/1/accounts/${accountId}/leave`);

export const handOver = (app: App, token: string | undefined, accountId: number, payload: Payload) =>
  call(app, token, 'POST', `/1/accounts/${accountId}/legal_responsible`, payload);

interface ErrorBody {
  result: string;
  error: {
    code: string;
    description: string;
    context?: Record<string, unknown>;
    errors?: { code: string; context: { attribute: string; values?: unknown[] } }[];
  };
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
