import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Answer } from '../api-client.js';
import { formOf, formValid, one, queried, signedIn, type Deps, type Signed } from '../context.js';
import { FORM, PAGE } from '../route-config.js';
import { appPasswordsBody, type AppPassword } from './app-passwords-page.js';
import { expiredPage, securityPage } from './frame.js';
import { secretShownOnce } from './secret.js';

// "Application passwords": the list, a new one (the password shown once, in the answer of the
// creation itself), deleting one.

const HERE = '/manager/profile/app-passwords';
const API = '/2/profile/applications/passwords';

async function passwordsPage(
  signed: Signed,
  reply: FastifyReply,
  o: { done?: string; name?: string; refused?: Answer<unknown>; failed?: Answer<unknown> } = {},
) {
  const list = await signed.api<AppPassword[]>('GET', API);
  const body = list.ok ? appPasswordsBody(signed, list.data, o) : appPasswordsBody(signed, [], { ...o, failed: list });
  return securityPage(signed, reply, { current: HERE, title: 'app_passwords.title', body });
}

async function createPassword(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply, HERE);
  const name = one(form, 'name');
  // No name typed: the API names the password itself.
  const answer = await signed.api<AppPassword & { password: string }>('POST', API, name === '' ? {} : { name });
  if (!answer.ok) return passwordsPage(signed, reply, { name, refused: answer });
  const { t } = signed.speech;
  const body = secretShownOnce(signed, {
    heading: t('app_passwords.secret', { name: answer.data.name }),
    secret: answer.data.password,
    usage: t('app_passwords.usage'),
    back: HERE,
  });
  return securityPage(signed, reply, { current: HERE, title: 'app_passwords.created_title', body });
}

async function deletePassword(deps: Deps, req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  if (!(await formValid(deps, signed, formOf(req)))) return expiredPage(signed, reply, HERE);
  const answer = await signed.api('DELETE', `${API}/${encodeURIComponent(req.params.id)}`);
  if (answer.ok) return reply.code(303).redirect(`${HERE}?done=deleted`, 303);
  return passwordsPage(signed, reply, { failed: answer });
}

export function appPasswordsRoutes(app: FastifyInstance, deps: Deps) {
  app.get(HERE, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const done = queried(req, 'done') === 'deleted' ? signed.speech.t('app_passwords.deleted') : undefined;
    return passwordsPage(signed, reply, { done });
  });
  app.post(HERE, FORM, (req, reply) => createPassword(deps, req, reply));
  app.post<{ Params: { id: string } }>(`${HERE}/:id/delete`, FORM, (req, reply) => deletePassword(deps, req, reply));
}
