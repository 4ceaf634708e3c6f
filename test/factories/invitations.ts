import type { Db } from '../../src/db/database.js';
import { call } from '../helper.js';
import { type App, freshEmail, nowS } from './organisations.js';

// The invitation routes the tests call, and what they change on an invitation row. Members,
// teams, products and the outbox come from ./organisations.js.

export function inviteBody(o: Record<string, unknown> = {}) {
  return { email: freshEmail(), first_name: 'Grace', last_name: 'Hopper', locale: 'fr_FR', role_type: 'normal', ...o };
}

export const invite = (app: App, token: string, accountId: number, payload: Record<string, unknown>, query = '') =>
  call(app, token, 'POST', `/1/accounts/${accountId}/invitations${query}`, payload);

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
export async function inviteOk(
  app: App,
  token: string,
  accountId: number,
  o: Record<string, unknown> = {},
): Promise<CreatedInvitation> {
  const res = await invite(app, token, accountId, inviteBody(o));
  if (res.statusCode !== 201) throw new Error(`expected 201, got ${res.statusCode}: ${res.body}`);
  const data = res.json().data;
  return { ...data, key: keyOf(data.url_accept) };
}

export const keyOf = (urlAccept: string) => /\/1\/invitations\/([^/]+)\/accept$/.exec(urlAccept)![1];

export const accept = (app: App, key: string, payload?: Record<string, unknown>, token?: string) =>
  call(app, token, 'POST', `/1/invitations/${key}/accept`, payload);

export const decline = (app: App, key: string) => call(app, null, 'POST', `/1/invitations/${key}/decline`);

/** Moves an invitation's sent_at (and, optionally, expiry) into the past. */
export function ageInvitation(db: Db, id: number, sentAgoS: number, expiredAgoS?: number) {
  return db
    .updateTable('invitations')
    .set({ sent_at: nowS() - sentAgoS, ...(expiredAgoS !== undefined ? { expired_at: nowS() - expiredAgoS } : {}) })
    .where('id', '=', id)
    .execute();
}
