import type { FastifyRequest } from 'fastify';

// Which action code each change made through the API records, by route. Every route that
// changes something has a line (a test holds the route table to this map); `null` says why a
// route records nothing of its own.

type Params = Record<string, string | undefined>;
type Body = Record<string, unknown> | undefined;

export interface RouteActivity {
  /** The action code, or a function of the request choosing one. */
  action: string | ((req: FastifyRequest) => string);
  /** What the change was made on, and where its id comes from (a path parameter, or the answer's data.id). */
  target?: { type: string; param?: string; fromResponse?: boolean | string };
  /** A route open without a token (an invitation's key): the actor is the answer's data.user_id. */
  actorFromResponse?: boolean;
}

const body = (req: FastifyRequest) => (req.body ?? {}) as Body & object;

/** The operator's /_mirror routes change the mirror, not a user's data: nothing to log. */
const CONTROL_PLANE = { none: 'the operator\'s control plane, not a user\'s change' };

export const ROUTE_ACTIVITY: Record<string, RouteActivity | { none: string }> = {
  'POST /1/profile/tokens': { action: 'api_token_created', target: { type: 'api_token', fromResponse: true } },
  'DELETE /1/profile/tokens/:token_id': { action: 'api_token_revoked', target: { type: 'api_token', param: 'token_id' } },
  'PATCH /2/profile': {
    action: (req) => (body(req).password !== undefined ? 'password_changed' : body(req).email !== undefined ? 'email_changed' : 'profile_updated'),
    target: { type: 'user' },
  },
  'DELETE /2/profile/emails/:email_type/:email_id': { action: 'email_deleted', target: { type: 'email', param: 'email_id' } },
  'DELETE /2/profile/phones/:phone_id': { action: 'phone_deleted', target: { type: 'phone', param: 'phone_id' } },
  'POST /2/profile/avatar': { action: 'avatar_updated', target: { type: 'user' } },
  'DELETE /2/profile/avatar': { action: 'avatar_deleted', target: { type: 'user' } },
  'DELETE /2/profile/sessions/:session_id': { action: 'session_revoked', target: { type: 'session', param: 'session_id' } },
  'POST /2/profile/applications/passwords': { action: 'application_password_created', target: { type: 'application_password', fromResponse: true } },
  'DELETE /2/profile/applications/passwords/:password_id': { action: 'application_password_revoked', target: { type: 'application_password', param: 'password_id' } },
  'PUT /2/profile/support_access/:kind': { action: 'support_access_granted', target: { type: 'support_access' } },
  'DELETE /2/profile/support_access/:kind': { action: 'support_access_revoked', target: { type: 'support_access' } },
  'POST /1/signup': { none: 'public: the new account is its own record (created_at)' },
  'PATCH /1/accounts/:account_id': { action: 'account_updated', target: { type: 'account', param: 'account_id' } },
  'POST /1/accounts/:account_id/tags': { action: 'item_added', target: { type: 'tag', fromResponse: true } },
  'PUT /1/accounts/:account_id/tags/:tag_id': { action: 'item_modified', target: { type: 'tag', param: 'tag_id' } },
  'DELETE /1/accounts/:account_id/tags/:tag_id': { action: 'item_deleted', target: { type: 'tag', param: 'tag_id' } },
  'PATCH /2/accounts/:account/users/:user': { action: 'user_permissions_changed', target: { type: 'user', param: 'user' } },
  'DELETE /2/accounts/:account/users/:user': { action: 'user_removed', target: { type: 'user', param: 'user' } },
  'POST /2/accounts/:account/users/remove': { action: 'user_removed' },
  'POST /1/accounts/:account/leave': { action: 'user_left' },
  'POST /1/accounts/:account/legal_responsible': { action: 'owner_role_assigned', target: { type: 'user' } },
  'POST /1/accounts/:account/invitations': { action: 'user_invited', target: { type: 'invitation', fromResponse: true } },
  'PATCH /1/accounts/:account/invitations/:invitation': { action: 'item_modified', target: { type: 'invitation', param: 'invitation' } },
  'DELETE /1/accounts/:account/invitations/:invitation': { action: 'item_deleted', target: { type: 'invitation', param: 'invitation' } },
  'POST /1/invitations/:key/accept': { action: 'user_added', target: { type: 'user', fromResponse: 'user_id' }, actorFromResponse: true },
  'POST /1/invitations/:key/decline': { none: 'declining changes no organisation (the inviter is notified)' },
  'POST /1/accounts/:account/teams': { action: 'team_created', target: { type: 'team', fromResponse: true } },
  'PATCH /1/accounts/:account/teams/:team': { action: 'team_updated', target: { type: 'team', param: 'team' } },
  'DELETE /1/accounts/:account/teams/:team': { action: 'team_deleted', target: { type: 'team', param: 'team' } },
  'POST /1/accounts/:account/teams/:team/users': { action: 'team_updated', target: { type: 'team', param: 'team' } },
  'DELETE /1/accounts/:account/teams/:team/users': { action: 'team_updated', target: { type: 'team', param: 'team' } },
  'POST /1/accounts/:account/payment_methods': { action: 'payment_method_added', target: { type: 'payment_method', fromResponse: true } },
  'DELETE /1/accounts/:account/payment_methods/:payment_method': { action: 'payment_method_removed', target: { type: 'payment_method', param: 'payment_method' } },
  'POST /1/accounts/:account/prepaid/credit': { action: 'prepaid_credited', target: { type: 'payment' } },
  'POST /1/accounts/:account/orders': { action: 'order_created', target: { type: 'order', fromResponse: true } },
  'POST /1/accounts/:account/payments': { action: 'invoice_paid', target: { type: 'payment', fromResponse: true } },
  'POST /1/accounts/:account/payments/:payment/record_transfer': { action: 'invoice_paid', target: { type: 'payment', param: 'payment' } },
  'POST /1/accounts/:account/renewals': { action: 'invoice_generated', target: { type: 'invoice', fromResponse: true } },
  'POST /1/accounts/:account/auto_renewal': { action: 'auto_renewal_disabled' },
  'PUT /1/accounts/:account/products/:product/auto_renewal': {
    action: (req) => (body(req).enabled ? 'auto_renewal_enabled' : 'auto_renewal_disabled'),
    target: { type: 'product', param: 'product' },
  },
  'POST /1/oauth_clients': { action: 'item_added', target: { type: 'oauth_client' } },
  'PATCH /1/oauth_clients/:client_id': { action: 'item_modified', target: { type: 'oauth_client' } },
  'DELETE /1/oauth_clients/:client_id': { action: 'item_deleted', target: { type: 'oauth_client' } },
  'PUT /_mirror/clock': CONTROL_PLANE,
  'POST /_mirror/reset': { none: 'the operator\'s control plane: it empties the log too' },
  'POST /_mirror/seed': { none: 'the operator\'s control plane: it empties the log too' },
  'POST /_mirror/faults': CONTROL_PLANE,
  'DELETE /_mirror/faults': CONTROL_PLANE,
  'DELETE /_mirror/faults/:id': CONTROL_PLANE,
  'PUT /_mirror/faults/header': CONTROL_PLANE,
  'DELETE /_mirror/requests': CONTROL_PLANE,
  'POST /_mirror/snapshots': CONTROL_PLANE,
  'POST /_mirror/snapshots/:name/restore': { none: 'the operator\'s control plane: it puts the log back too' },
  'DELETE /_mirror/snapshots/:name': CONTROL_PLANE,
  'POST /_mirror/sandboxes': CONTROL_PLANE,
  'DELETE /_mirror/sandboxes/:name': CONTROL_PLANE,
  'DELETE /token': { action: 'oauth_token_revoked', target: { type: 'api_token' } },
};

export const paramsOf = (req: FastifyRequest) => (req.params ?? {}) as Params;
