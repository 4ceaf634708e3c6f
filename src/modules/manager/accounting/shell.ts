import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formOf, formValid, signedIn, type Deps, type Form, type Signed } from '../context.js';
import { alertPage, framedPage, sendHtml } from '../layout.js';
import {
  organisationNav,
  organisationOf,
  organisationPath,
  type Organisation,
  type OrganisationTab,
} from '../organisation-nav.js';

export type { Organisation };
import { FORM, PAGE } from '../route-config.js';

// What every accounting page shares: the signed-in user, the organisation read through the API
// (its name for the tabs, its currency for the amounts), the organisation's tabs around the
// page, and the answers for an organisation the user may not see or a form that expired.

export interface Place {
  deps: Deps;
  signed: Signed;
  org: Organisation;
  req: FastifyRequest;
  reply: FastifyReply;
  params: Record<string, string>;
}

export interface Posted extends Place {
  form: Form;
}

type Params = { Params: Record<string, string> };

const ROUTE_BASE = '/manager/accounts/:account/accounting';

/** The address of one of an organisation's accounting pages, `part` starting with '/'. */
export const accountingPath = (org: Organisation, part: string) => `${organisationPath(org.id)}/accounting${part}`;

const message = (signed: Signed, reply: FastifyReply, text: string) =>
  alertPage(reply, signed.frame, 'organisation', text);

export const notFoundPage = (signed: Signed, reply: FastifyReply) =>
  message(signed, reply, signed.speech.t('error.not_found'));

/** An organisation's accounting page: its tabs, then `body` (already HTML). */
export function accountingPage(p: Place, tab: OrganisationTab, title: string, body: string) {
  const nav = organisationNav(p.signed.frame, p.org.id, p.org.name, tab);
  return sendHtml(p.reply, 200, framedPage(p.signed.frame, 'organisation', title, nav + body));
}

async function placeOf(deps: Deps, req: FastifyRequest<Params>, reply: FastifyReply, signed: Signed) {
  const org = await organisationOf(signed, req.params.account);
  return org ? { deps, signed, org, req, reply, params: req.params } : undefined;
}

/** A page at ROUTE_BASE + `path`, for a signed-in user who may see the organisation. */
export function accountingGet(app: FastifyInstance, deps: Deps, path: string, show: (p: Place) => Promise<unknown>) {
  app.get<Params>(ROUTE_BASE + path, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const place = await placeOf(deps, req, reply, signed);
    return place ? show(place) : notFoundPage(signed, reply);
  });
}

/** A form's handler at ROUTE_BASE + `path`: signed in, the session's form token, then `handle`. */
export function accountingPost(
  app: FastifyInstance,
  deps: Deps,
  path: string,
  handle: (p: Posted) => Promise<unknown>,
) {
  app.post<Params>(ROUTE_BASE + path, FORM, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const form = formOf(req);
    if (!(await formValid(deps, signed, form))) return message(signed, reply, signed.speech.t('form.expired'));
    const place = await placeOf(deps, req, reply, signed);
    return place ? handle({ ...place, form }) : notFoundPage(signed, reply);
  });
}

/** Post/Redirect/Get: back to a page once the API took the change. */
export const seeOther = (p: Place, part: string) => p.reply.code(303).redirect(accountingPath(p.org, part), 303);
