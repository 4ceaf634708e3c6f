import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../../../shared/html.js';
import type { Answer } from '../api-client.js';
import { formOf, formValid, one, queried, signedIn, type Deps, type Form, type Signed } from '../context.js';
import { inputField, notice, refusal } from '../forms.js';
import { hidden } from '../layout.js';
import type { MessageKey } from '../messages.js';
import { FORM, PAGE } from '../route-config.js';
import { expiredPage, section, securityPage } from './frame.js';

// "Notifications": the sign-in alerts and the limit of unsuccessful sign-ins (PATCH
// /2/profile). The API says what is out of range; its message goes next to the field.

const HERE = '/manager/profile/notifications';

const SWITCHES = [
  ['successful_connexion_notification', 'notifications.successful'],
  ['unsuccessful_connexion_notification', 'notifications.unsuccessful'],
  ['unsuccessful_connexion_limit', 'notifications.limit'],
] as const satisfies readonly (readonly [string, MessageKey])[];
const RATE = 'unsuccessful_connexion_rate_limit';
const FIELDS = [...SWITCHES.map(([name]) => name), RATE];

type Switch = (typeof SWITCHES)[number][0];
/** The form's values: the switches, and the limit as typed. */
type Settings = Record<Switch, boolean> & { [RATE]: string };

interface Connection {
  unsuccessful_limit: boolean;
  unsuccessful_rate_limit: number;
  unsuccessful_notification: boolean;
  successful_notification: boolean;
}

const settingsOf = (c: Connection): Settings => ({
  successful_connexion_notification: c.successful_notification,
  unsuccessful_connexion_notification: c.unsuccessful_notification,
  unsuccessful_connexion_limit: c.unsuccessful_limit,
  [RATE]: String(c.unsuccessful_rate_limit),
});

function checkbox(name: string, label: string, checked: boolean): string {
  const id = `f-${name}`;
  return (
    `<div><input type="checkbox" id="${id}" name="${name}" value="1"${checked ? ' checked' : ''}> ` +
    `<label for="${id}" class="inline">${escapeHtml(label)}</label></div>`
  );
}

function settingsForm(signed: Signed, values: Settings, refused?: Answer<unknown>): string {
  const { t } = signed.speech;
  return section(
    'sign-in-notifications',
    t('notifications.sign_in'),
    refusal(refused, FIELDS) +
      `<form method="post" action="${HERE}">${hidden('csrf', signed.frame.csrf)}` +
      SWITCHES.map(([name, label]) => checkbox(name, t(label), values[name])).join('') +
      inputField({
        name: RATE,
        label: t('notifications.rate_limit'),
        value: values[RATE],
        problems: refused?.fields ?? [],
        type: 'number',
      }) +
      `<div><button type="submit">${escapeHtml(t('form.save'))}</button></div></form>`,
  );
}

async function notificationsPage(
  signed: Signed,
  reply: FastifyReply,
  o: { saved?: boolean; values?: Settings; refused?: Answer<unknown> } = {},
) {
  let values = o.values;
  let failed: Answer<unknown> | undefined;
  if (!values) {
    const profile = await signed.api<{ preferences: { connection: Connection } }>('GET', '/2/profile');
    if (profile.ok) values = settingsOf(profile.data.preferences.connection);
    else failed = profile;
  }
  const body = values ? notice(signed.speech, !!o.saved) + settingsForm(signed, values, o.refused) : refusal(failed);
  return securityPage(signed, reply, { current: HERE, title: 'notifications.title', body });
}

/** The form as typed: an unchecked box is not sent, so it reads as off. */
const typedSettings = (form: Form): Settings => ({
  successful_connexion_notification: one(form, 'successful_connexion_notification') === '1',
  unsuccessful_connexion_notification: one(form, 'unsuccessful_connexion_notification') === '1',
  unsuccessful_connexion_limit: one(form, 'unsuccessful_connexion_limit') === '1',
  [RATE]: one(form, RATE),
});

async function saveNotifications(deps: Deps, req: FastifyRequest, reply: FastifyReply) {
  const signed = await signedIn(deps, req, reply);
  if (!signed) return reply;
  const form = formOf(req);
  if (!(await formValid(deps, signed, form))) return expiredPage(signed, reply, HERE);
  const values = typedSettings(form);
  const { [RATE]: typed, ...switches } = values;
  // The limit as the API takes it: a number, or the text as typed for the API to refuse.
  const rate = /^-?\d+$/.test(typed.trim()) ? Number(typed) : typed;
  const answer = await signed.api('PATCH', '/2/profile', { ...switches, [RATE]: rate });
  if (answer.ok) return reply.code(303).redirect(`${HERE}?saved=1`, 303);
  return notificationsPage(signed, reply, { values, refused: answer });
}

export function notificationsRoutes(app: FastifyInstance, deps: Deps) {
  app.get(HERE, PAGE, async (req, reply) => {
    const signed = await signedIn(deps, req, reply);
    if (!signed) return reply;
    return notificationsPage(signed, reply, { saved: queried(req, 'saved') === '1' });
  });
  app.post(HERE, FORM, (req, reply) => saveNotifications(deps, req, reply));
}
