import { bearer } from '../helper.js';
import type { App } from './organisations.js';

// The guards the accounts tests check on every organisation route; the rows they need come
// from ./organisations.js.

interface Tap {
  equal(found: unknown, wanted: unknown, message: string): unknown;
  match(found: unknown, pattern: unknown): unknown;
}

export interface RouteCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The URL on an organisation the caller may use. */
  url: string;
  payload?: object;
}

export interface Callers {
  /** A token of a member of the organisation that lacks the `accounts` scope. */
  noScopeToken: string;
  /** A token of a user who is not a member of the organisation. */
  strangerToken: string;
}

/**
 * The guards every organisation route has: no token 401, a token without `accounts` 403
 * naming the scope, a user of another organisation 404 (never a hint that it exists).
 */
export async function checkGuards(t: Tap, app: App, call: RouteCall, callers: Callers) {
  const send = (headers: Record<string, string>) =>
    app.inject({ method: call.method, url: call.url, payload: call.payload, headers });
  const anonymous = await send({});
  t.equal(anonymous.statusCode, 401, `${call.method} ${call.url} without a token`);
  t.equal(anonymous.json().error.code, 'not_authorized', 'not_authorized');
  const noScope = await send(bearer(callers.noScopeToken));
  t.equal(noScope.statusCode, 403, `${call.method} ${call.url} without the accounts scope`);
  t.match(noScope.json().error, { code: 'access_denied', context: { missing_scopes: ['accounts'] } });
  const stranger = await send(bearer(callers.strangerToken));
  t.equal(stranger.statusCode, 404, `${call.method} ${call.url} by a non-member`);
  t.equal(stranger.json().error.code, 'object_not_found', 'object_not_found');
}
