import type { Method } from '../helper.js';
import { PNG_BASE64, type World } from './world.js';

// How to call each in-scope official operation on the seeded world: the call that succeeds
// and, where the document declares them, one that answers 404 and one that answers 422. The
// 401 is the successful call without a token, derived by the test. The caller is the
// organisation's owner.

export interface Request {
  method: Method;
  url: string;
  body?: unknown;
}

/** A status the document declares but that no call can bring about, with the reason. */
export interface Unreachable {
  unreachable: string;
}

export interface Recipe {
  success: (w: World) => Request;
  notFound?: ((w: World) => Request) | Unreachable;
  invalid?: (w: World) => Request;
}

/** An id no row has. */
const NONE = 987_654_321;

const get = (url: string): Request => ({ method: 'GET', url });
const NO_ID_IN_PATH: Unreachable = { unreachable: 'the path names no resource, the caller is the token' };

const teams = (w: World) => `/1/accounts/${w.org.id}/teams`;
const team = (w: World, id = w.ids.team) => `${teams(w)}/${id}`;
const invitations = (w: World) => `/1/accounts/${w.org.id}/invitations`;
const invitation = (w: World, id = w.ids.invitation) => `${invitations(w)}/${id}`;

export const RECIPES: Record<string, Recipe> = {
  'GET /2/events': { success: () => get('/2/events') },
  'GET /2/events/{event_id}': { success: (w) => get(`/2/events/${w.ids.event}`) },
  'GET /2/events/public-cloud-status': { success: () => get('/2/events/public-cloud-status') },
  'GET /2/accounts/{account}/users/{user}/app_accesses': {
    success: (w) => get(`/2/accounts/${w.org.id}/users/${w.org.normal.id}/app_accesses`),
    notFound: (w) => get(`/2/accounts/${w.org.id}/users/${NONE}/app_accesses`),
  },
  'GET /1/accounts/{account}/teams': {
    success: (w) => get(teams(w)),
    notFound: () => get(`/1/accounts/${NONE}/teams`),
  },
  'POST /1/accounts/{account}/teams': {
    success: (w) => ({ method: 'POST', url: teams(w), body: { name: 'Made by the conformance test' } }),
    notFound: () => ({ method: 'POST', url: `/1/accounts/${NONE}/teams`, body: { name: 'Nowhere' } }),
  },
  'GET /1/accounts/{account}/teams/{team}/users': {
    success: (w) => get(`${team(w)}/users`),
    notFound: (w) => get(`${team(w, NONE)}/users`),
  },
  'POST /1/accounts/{account}/teams/{team}/users': {
    success: (w) => ({ method: 'POST', url: `${team(w)}/users`, body: { user_ids: [w.org.owner.id] } }),
    notFound: (w) => ({ method: 'POST', url: `${team(w, NONE)}/users`, body: { user_ids: [w.org.owner.id] } }),
  },
  'DELETE /1/accounts/{account}/teams/{team}/users': {
    success: (w) => ({ method: 'DELETE', url: `${team(w)}/users`, body: { user_ids: [w.org.admin.id] } }),
    notFound: (w) => ({ method: 'DELETE', url: `${team(w, NONE)}/users`, body: { user_ids: [w.org.admin.id] } }),
  },
  'POST /1/accounts/{account}/invitations': {
    success: (w) => ({
      method: 'POST',
      url: invitations(w),
      body: {
        email: 'conformance-invitee@example.test',
        first_name: 'Grace',
        last_name: 'Hopper',
        locale: 'fr_FR',
        role_type: 'normal',
      },
    }),
    notFound: () => ({
      method: 'POST',
      url: `/1/accounts/${NONE}/invitations`,
      body: {
        email: 'nowhere@example.test',
        first_name: 'No',
        last_name: 'Where',
        locale: 'fr_FR',
        role_type: 'normal',
      },
    }),
  },
  'POST /2/profile/avatar': {
    success: () => ({ method: 'POST', url: '/2/profile/avatar', body: { avatar: PNG_BASE64, encoding: 'base64' } }),
    notFound: NO_ID_IN_PATH,
    invalid: () => ({ method: 'POST', url: '/2/profile/avatar', body: { avatar: 'not an image', encoding: 'base64' } }),
  },
  'DELETE /2/profile/avatar': {
    success: () => ({ method: 'DELETE', url: '/2/profile/avatar' }),
    notFound: NO_ID_IN_PATH,
  },
  'GET /2/profile/applications/passwords': {
    success: () => get('/2/profile/applications/passwords'),
    notFound: NO_ID_IN_PATH,
  },
  // The document declares no request body.
  'POST /2/profile/applications/passwords': {
    success: () => ({ method: 'POST', url: '/2/profile/applications/passwords' }),
  },
  'GET /1/accounts': {
    success: () => get('/1/accounts'),
    notFound: NO_ID_IN_PATH,
  },
  'GET /1/accounts/{account_id}': {
    success: (w) => get(`/1/accounts/${w.org.id}`),
    notFound: () => get(`/1/accounts/${NONE}`),
  },
  'GET /1/accounts/{account_id}/tags': {
    success: (w) => get(`/1/accounts/${w.org.id}/tags`),
  },
  'GET /1/accounts/{account_id}/products': {
    success: (w) => get(`/1/accounts/${w.org.id}/products`),
    notFound: () => get(`/1/accounts/${NONE}/products`),
  },
  'GET /1/accounts/{account_id}/services': {
    success: (w) => get(`/1/accounts/${w.org.id}/services`),
    notFound: () => get(`/1/accounts/${NONE}/services`),
  },
  'GET /1/accounts/{account}/teams/{team}': {
    success: (w) => get(team(w)),
    notFound: (w) => get(team(w, NONE)),
  },
  'PATCH /1/accounts/{account}/teams/{team}': {
    success: (w) => ({ method: 'PATCH', url: team(w), body: { name: 'Renamed by the conformance test' } }),
    notFound: (w) => ({ method: 'PATCH', url: team(w, NONE), body: { name: 'Nowhere' } }),
  },
  'DELETE /1/accounts/{account}/teams/{team}': {
    success: (w) => ({ method: 'DELETE', url: team(w, w.ids.doomedTeam) }),
    notFound: (w) => ({ method: 'DELETE', url: team(w, NONE) }),
  },
  'GET /1/accounts/current/products': {
    success: () => get('/1/accounts/current/products'),
    notFound: NO_ID_IN_PATH,
  },
  'GET /1/accounts/{account_id}/basic/teams': {
    success: (w) => get(`/1/accounts/${w.org.id}/basic/teams`),
    notFound: () => get(`/1/accounts/${NONE}/basic/teams`),
  },
  'GET /1/accounts/{account}/invitations/{invitation}': {
    success: (w) => get(invitation(w)),
  },
  'PATCH /1/accounts/{account}/invitations/{invitation}': {
    success: (w) => ({ method: 'PATCH', url: invitation(w), body: { role_type: 'admin' } }),
  },
  'DELETE /1/accounts/{account}/invitations/{invitation}': {
    success: (w) => ({ method: 'DELETE', url: invitation(w, w.ids.doomedInvitation) }),
    notFound: (w) => ({ method: 'DELETE', url: invitation(w, NONE) }),
  },
  'GET /1/accounts/{account}/invitations/users/{user}': {
    success: (w) => get(`${invitations(w)}/users/${w.invitee.id}`),
  },
  'GET /1/actions': { success: () => get('/1/actions') },
  'GET /1/actions/{action_id}': {
    success: () => get('/1/actions/1'),
    notFound: () => get(`/1/actions/${NONE}`),
  },
  'GET /1/async/tasks': { success: () => get('/1/async/tasks') },
  'GET /1/async/tasks/{task_uuid}': { success: (w) => get(`/1/async/tasks/${w.taskUuid}`) },
  'GET /1/countries': { success: () => get('/1/countries') },
  'GET /1/countries/{country_id}': { success: () => get('/1/countries/1') },
  'GET /1/languages': { success: () => get('/1/languages') },
  'GET /1/languages/{language_id}': { success: () => get('/1/languages/1') },
  'GET /1/products': {
    success: () => get('/1/products'),
    notFound: NO_ID_IN_PATH,
  },
  'GET /1/timezones': { success: () => get('/1/timezones') },
  'GET /1/timezones/{timezone_id}': { success: () => get('/1/timezones/1') },
  'GET /2/accounts/{account}/users': {
    success: (w) => get(`/2/accounts/${w.org.id}/users`),
    notFound: () => get(`/2/accounts/${NONE}/users`),
  },
  'GET /2/profile': { success: () => get('/2/profile') },
  'PATCH /2/profile': {
    success: (w) => ({ method: 'PATCH', url: '/2/profile', body: { email: w.org.owner.email, firstname: 'Ada' } }),
    notFound: NO_ID_IN_PATH,
    invalid: () => ({ method: 'PATCH', url: '/2/profile', body: { email: 'not an address' } }),
  },
  'GET /2/profile/emails': {
    success: () => get('/2/profile/emails'),
    notFound: NO_ID_IN_PATH,
  },
  'GET /2/profile/emails/{email_type}/{email_id}': {
    success: (w) => get(`/2/profile/emails/email/${w.ids.email}`),
    notFound: () => get(`/2/profile/emails/email/${NONE}`),
  },
  'DELETE /2/profile/emails/{email_type}/{email_id}': {
    success: (w) => ({ method: 'DELETE', url: `/2/profile/emails/email/${w.ids.email}` }),
    notFound: () => ({ method: 'DELETE', url: `/2/profile/emails/email/${NONE}` }),
  },
  'GET /2/profile/phones': {
    success: () => get('/2/profile/phones'),
    notFound: NO_ID_IN_PATH,
  },
  'GET /2/profile/phones/{phone_id}': {
    success: (w) => get(`/2/profile/phones/${w.ids.phone}`),
    notFound: () => get(`/2/profile/phones/${NONE}`),
  },
  'DELETE /2/profile/phones/{phone_id}': {
    success: (w) => ({ method: 'DELETE', url: `/2/profile/phones/${w.ids.phone}` }),
    notFound: () => ({ method: 'DELETE', url: `/2/profile/phones/${NONE}` }),
  },
  'GET /2/profile/applications/passwords/{password_id}': {
    success: (w) => get(`/2/profile/applications/passwords/${w.ids.appPassword}`),
    notFound: () => get(`/2/profile/applications/passwords/${NONE}`),
  },
};
