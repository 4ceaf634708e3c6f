import type { FastifyReply, FastifyRequest } from 'fastify';
import { formOf, formValid, signedIn, type Deps, type Form, type Signed } from '../context.js';
import { toolsUnlocked } from '../tools-access.js';
import { controlPlane, type Plane } from './control-plane.js';
import { expiredPage, notFoundPage } from './page.js';
import { unlockPage } from './unlock-page.js';

// Who may see a tool: a signed-in user whose browser was given the admin token. Every tools
// route asks here first, so a locked browser gets the unlock form and never the data.

export interface Tools {
  signed: Signed;
  plane: Plane;
}

/** The signed-in page and the control plane's token, or undefined once "not found" answered (no control plane). */
async function signedWithPlane(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return undefined;
  const token = deps.app.config.MIRROR_ADMIN_TOKEN;
  if (!token) {
    await notFoundPage(signed, reply);
    return undefined;
  }
  return { signed, token };
}

/** A tools page's context, or undefined once another page answered (sign-in, not found, unlock). */
export async function toolsFor(deps: Deps, req: FastifyRequest, reply: FastifyReply): Promise<Tools | undefined> {
  const found = await signedWithPlane(deps, req, reply);
  if (!found) return undefined;
  if (!toolsUnlocked(req, found.token)) {
    await unlockPage(found.signed, reply, { back: req.url });
    return undefined;
  }
  return { signed: found.signed, plane: controlPlane(deps.app, found.token) };
}

/** A tools form's context: as toolsFor, and the form checked to come from this session's page. */
export async function toolsForm(
  deps: Deps,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<(Tools & { form: Form }) | undefined> {
  const found = await signedWithPlane(deps, req, reply);
  if (!found) return undefined;
  const form = formOf(req);
  if (!(await formValid(deps, found.signed, form))) {
    await expiredPage(found.signed, reply);
    return undefined;
  }
  if (!toolsUnlocked(req, found.token)) {
    await unlockPage(found.signed, reply, {});
    return undefined;
  }
  return { signed: found.signed, plane: controlPlane(deps.app, found.token), form };
}

/** Post/Redirect/Get: back to the tool's page, with what to say there. */
export const seeOther = (reply: FastifyReply, to: string) => reply.code(303).redirect(to, 303);
