import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timezones } from '../../reference/index.js';
import type { Answer } from '../api-client.js';
import { formOf, formValid, many, one, queried, signedIn, type Deps, type Signed } from '../context.js';
import { FORM, PAGE } from '../route-config.js';
import { expiryOf } from './expiry.js';
import { expiredPage, securityPage } from './frame.js';
import { secretShownOnce } from './secret.js';
import { tokensBody, type Token, type TokenTyped } from './tokens-page.js';

// "Developer → API tokens": the list, a new token (its secret shown once, in the answer of the
// creation itself), revoking one.

const HERE = '/manager/profile/tokens';

async function tokensPage(
  signed: Signed,
  reply: FastifyReply,
  o: { done?: string; typed?: TokenTyped; refused?: Answer<unknown>; failed?: Answer<unknown> } = {},
) {
  const list = await signed.api<Token[]>('GET', '/1/profile/tokens');
  const body = list.ok ? tokensBody(signed, list.data, o) : tokensBody(signed, [], { ...o, failed: list });
  return securityPage(signed, reply, { current: HERE, title: 'tokens.title', body });
}

async function createToken(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply, HERE);
  const typed: TokenTyped = { name: one(form, 'name'), scopes: many(form, 'scopes'), expiry: one(form, 'expired_at') };
  const timeZone = timezones.find(signed.me.timezone_id)?.name ?? 'UTC';
  const answer = await signed.api<Token & { token: string }>('POST', '/1/profile/tokens', {
    name: typed.name,
    scopes: typed.scopes,
    expired_at: expiryOf(typed.expiry, timeZone),
  });
  if (!answer.ok) return tokensPage(signed, reply, { typed, refused: answer });
  const { t } = signed.speech;
  const body = secretShownOnce(signed, {
    heading: t('tokens.secret', { name: answer.data.name }),
    secret: answer.data.token,
    back: HERE,
  });
  return securityPage(signed, reply, { current: HERE, title: 'tokens.created_title', body });
}

async function revokeToken(deps: Deps, req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  if (!(await formValid(deps, signed, formOf(req)))) return expiredPage(signed, reply, HERE);
  const answer = await signed.api('DELETE', `/1/profile/tokens/${encodeURIComponent(req.params.id)}`);
  if (answer.ok) return reply.code(303).redirect(`${HERE}?done=revoked`, 303);
  return tokensPage(signed, reply, { failed: answer });
}

export function tokensRoutes(app: FastifyInstance, deps: Deps) {
  app.get(HERE, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const done = queried(req, 'done') === 'revoked' ? signed.speech.t('tokens.revoked') : undefined;
    return tokensPage(signed, reply, { done });
  });
  app.post(HERE, FORM, (req, reply) => createToken(deps, req, reply));
  app.post<{ Params: { id: string } }>(`${HERE}/:id/revoke`, FORM, (req, reply) => revokeToken(deps, req, reply));
}
