import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import { formOf, formValid, queried, signedIn, type Deps, type Signed } from '../context.js';
import { refusal } from '../forms.js';
import { hidden } from '../layout.js';
import { FORM, PAGE } from '../route-config.js';
import { doneNotice, expiredPage, section, securityPage } from './frame.js';

// "Sessions": the open sign-in sessions (GET /2/profile?with=security), this browser's marked,
// and ending one. Ending this browser's own signs it out: the page it is sent back to asks to
// sign in again.

const HERE = '/manager/profile/sessions';

interface Session {
  id: number;
  browser: string;
  device: string;
  location: string;
  ip: string;
  last_accessed_at: number;
}

function sessionRow(signed: Signed, x: Session): string {
  const s = signed.speech;
  const mine = x.id === signed.sessionId;
  const label = mine ? s.t('sessions.end_this') : s.t('sessions.end');
  // Two sessions of the same browser differ by their last activity.
  const who = `${x.browser}, ${x.device}, ${x.ip}, ${s.when(x.last_accessed_at)}`;
  return (
    `<tr><th scope="row">${escapeHtml(x.browser)}${mine ? ` <strong>(${escapeHtml(s.t('sessions.this_one'))})</strong>` : ''}</th>` +
    `<td>${escapeHtml(x.device)}</td><td>${escapeHtml(`${x.location} · ${x.ip}`)}</td>` +
    `<td>${escapeHtml(s.when(x.last_accessed_at))}</td><td>` +
    `<form method="post" action="${HERE}/${x.id}/end" class="inline">${hidden('csrf', signed.frame.csrf)}` +
    `<button type="submit" class="danger" aria-label="${escapeHtml(mine ? label : `${label} – ${who}`)}">${escapeHtml(label)}</button></form></td></tr>`
  );
}

function sessionTable(signed: Signed, sessions: Session[]): string {
  const { t } = signed.speech;
  const heads = [
    'sessions.browser',
    'sessions.device',
    'sessions.place',
    'sessions.last_seen',
    'security.actions',
  ] as const;
  return (
    `<table><thead><tr>${heads.map((h) => `<th scope="col">${escapeHtml(t(h))}</th>`).join('')}</tr></thead>` +
    `<tbody>${sessions.map((x) => sessionRow(signed, x)).join('')}</tbody></table>`
  );
}

async function sessionsPage(signed: Signed, reply: FastifyReply, o: { done?: string; failed?: Answer<unknown> } = {}) {
  const profile = await signed.api<{ sessions?: Session[] }>('GET', '/2/profile?with=security');
  const sessions = profile.ok ? (profile.data.sessions ?? []) : [];
  const body =
    doneNotice(o.done) +
    refusal(o.failed ?? (profile.ok ? undefined : profile)) +
    section('sessions', signed.speech.t('sessions.list'), sessionTable(signed, sessions));
  return securityPage(signed, reply, { current: HERE, title: 'sessions.title', body });
}

async function endSession(deps: Deps, req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  if (!(await formValid(deps, signed, formOf(req)))) return expiredPage(signed, reply, HERE);
  const answer = await signed.api('DELETE', `/2/profile/sessions/${encodeURIComponent(req.params.id)}`);
  // This browser's own session ended: the list's page now sends it to sign in.
  if (answer.ok) return reply.code(303).redirect(`${HERE}?done=ended`, 303);
  return sessionsPage(signed, reply, { failed: answer });
}

export function sessionsRoutes(app: FastifyInstance, deps: Deps) {
  app.get(HERE, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const done = queried(req, 'done') === 'ended' ? signed.speech.t('sessions.ended') : undefined;
    return sessionsPage(signed, reply, { done });
  });
  app.post<{ Params: { id: string } }>(`${HERE}/:id/end`, FORM, (req, reply) => endSession(deps, req, reply));
}
