import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../shared/html.js';
import { nowSeconds } from '../../shared/time.js';
import { countries, languages, timezones } from '../reference/index.js';
import type { Answer } from './api-client.js';
import { formOf, formValid, one, queried, signedIn, type Deps, type Signed } from './context.js';
import { notice, refusal, selectField } from './forms.js';
import type { Speech } from './i18n.js';
import { framedPage, hidden, sendHtml } from './layout.js';
import type { MessageKey } from './messages.js';
import { FORM, PAGE } from './route-config.js';
import { profileMenu } from './profile-security/index.js';

// "Manage my profile": the preferences (language, country, time zone) and support access
// ("Support → toggle access to mail, kDrive, kChat", closing by itself after 7 days).

const PREFERENCES = ['language_id', 'country_id', 'timezone_id'] as const;
type Preferences = Record<(typeof PREFERENCES)[number], string | number>;

interface SupportAccess {
  kind: 'mail' | 'kdrive' | 'kchat';
  status: 'open' | 'closed' | 'never';
  expires_at: number | null;
}

/** A duration as the largest two units: "6 d 23 h", "5 h 2 min". */
function timeLeft(s: Speech, seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${s.t('time.days', { n: d })} ${s.t('time.hours', { n: h })}`;
  if (h > 0) return `${s.t('time.hours', { n: h })} ${s.t('time.minutes', { n: m })}`;
  return s.t('time.minutes', { n: Math.max(m, 1) });
}

function preferencesSection(signed: Signed, values: Preferences, refused?: Answer<unknown>): string {
  const { t } = signed.speech;
  const problems = refused?.fields ?? [];
  return (
    `<section aria-labelledby="preferences"><h2 id="preferences">${escapeHtml(t('profile.preferences'))}</h2>` +
    refusal(refused, PREFERENCES) +
    `<form method="post" action="/manager/profile">${hidden('csrf', signed.frame.csrf)}` +
    selectField({
      name: 'language_id',
      label: t('profile.language'),
      options: languages.all.map((l) => ({ value: l.id, label: l.name })),
      selected: values.language_id,
      problems,
    }) +
    selectField({
      name: 'country_id',
      label: t('profile.country'),
      options: countries.all.map((c) => ({ value: c.id, label: c.name })),
      selected: values.country_id,
      problems,
    }) +
    selectField({
      name: 'timezone_id',
      label: t('profile.timezone'),
      options: timezones.all.map((z) => ({ value: z.id, label: `${z.name} (${z.gmt})` })),
      selected: values.timezone_id,
      problems,
    }) +
    `<div><button type="submit">${escapeHtml(t('form.save'))}</button></div></form></section>`
  );
}

function supportRow(signed: Signed, a: SupportAccess): string {
  const s = signed.speech;
  const name = s.t(`support.kind.${a.kind}` satisfies MessageKey);
  const open = a.status === 'open' && a.expires_at !== null;
  const state = open
    ? s.t('support.open_until', { when: s.when(a.expires_at), left: timeLeft(s, (a.expires_at ?? 0) - nowSeconds()) })
    : s.t('support.closed');
  const action = open ? 'revoke' : 'grant';
  return (
    `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(state)}</td><td>` +
    `<form method="post" action="/manager/profile/support/${a.kind}" class="inline">${hidden('csrf', signed.frame.csrf)}${hidden('action', action)}` +
    `<button type="submit" class="${open ? 'danger' : ''}" aria-label="${escapeHtml(`${s.t(`support.${action}`)} – ${name}`)}">${escapeHtml(s.t(`support.${action}`))}</button></form></td></tr>`
  );
}

async function supportSection(signed: Signed): Promise<string> {
  const { t } = signed.speech;
  const access = await signed.api<{ support_code: string; access: SupportAccess[] }>(
    'GET',
    '/2/profile/support_access',
  );
  if (!access.ok) return refusal(access);
  return (
    `<section aria-labelledby="support"><h2 id="support">${escapeHtml(t('support.title'))}</h2>` +
    `<p>${escapeHtml(t('support.intro'))}</p><p class="muted">${escapeHtml(t('support.code', { code: access.data.support_code }))}</p>` +
    `<table><tbody>${access.data.access.map((a) => supportRow(signed, a)).join('')}</tbody></table></section>`
  );
}

async function profilePage(
  signed: Signed,
  reply: FastifyReply,
  o: { saved?: boolean; values?: Preferences; refused?: Answer<unknown> } = {},
) {
  const values = o.values ?? signed.me;
  const body =
    profileMenu(signed, '/manager/profile') +
    notice(signed.speech, !!o.saved) +
    preferencesSection(signed, values, o.refused) +
    (await supportSection(signed));
  return sendHtml(reply, 200, framedPage(signed.frame, 'profile', signed.speech.t('profile.title'), body));
}

const expired = (signed: Signed, reply: FastifyReply) =>
  sendHtml(
    reply,
    200,
    framedPage(
      signed.frame,
      'profile',
      signed.speech.t('error.title'),
      `<p class="alert" role="alert">${escapeHtml(signed.speech.t('form.expired'))}</p>`,
    ),
  );

async function savePreferences(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expired(signed, reply);
  const values: Preferences = {
    language_id: one(form, 'language_id'),
    country_id: one(form, 'country_id'),
    timezone_id: one(form, 'timezone_id'),
  };
  // The form's values as the API takes them: numbers, or the text as typed for the API to refuse.
  const body = Object.fromEntries(
    PREFERENCES.map((k) => [k, /^\d+$/.test(String(values[k])) ? Number(values[k]) : values[k]]),
  );
  const answer = await signed.api('PATCH', '/2/profile', body);
  if (answer.ok) return reply.code(303).redirect('/manager/profile?saved=1', 303);
  return profilePage(signed, reply, { values, refused: answer });
}

async function toggleSupport(deps: Deps, req: FastifyRequest<{ Params: { kind: string } }>, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expired(signed, reply);
  const method = one(form, 'action') === 'revoke' ? 'DELETE' : 'PUT';
  const answer = await signed.api(method, `/2/profile/support_access/${encodeURIComponent(req.params.kind)}`);
  if (answer.ok) return reply.code(303).redirect('/manager/profile?saved=1#support', 303);
  return profilePage(signed, reply, { refused: answer });
}

export function profileRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/manager/profile', PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    const saved = queried(req, 'saved') === '1';
    return profilePage(signed, reply, { saved });
  });
  app.post('/manager/profile', FORM, (req, reply) => savePreferences(deps, req, reply));
  app.post<{ Params: { kind: string } }>('/manager/profile/support/:kind', FORM, (req, reply) =>
    toggleSupport(deps, req, reply),
  );
}
