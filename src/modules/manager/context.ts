import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isRecord } from '../../shared/is-record.js';
import { sessionSecretOf, sessionUser, type csrfTokens } from '../oauth/index.js';
import { apiFor, type Api } from './api-client.js';
import type { ConsoleCredentials } from './console-credentials.js';
import { langOf, speech, type Speech } from './i18n.js';
import type { Frame } from './layout.js';
import { toolsUnlocked } from './tools-access.js';

// What every signed-in page starts from: the session (else the sign-in page), the API as its
// user, the user's profile (its language and time zone), and the CSRF token of its forms.

export interface Deps {
  app: FastifyInstance;
  credentials: ConsoleCredentials;
  csrf: ReturnType<typeof csrfTokens>;
}

export interface Me {
  id: number;
  email: string;
  display_name: string;
  first_name: string;
  last_name: string;
  language_id: number;
  country_id: number;
  timezone_id: number;
}

/** What the console reads of GET /2/profile. */
interface ProfileAnswer {
  id: number;
  email: string;
  display_name: string;
  first_name: string;
  last_name: string;
  preferences: { language: { id: number }; country: { id: number }; timezone: { id: number } };
}

const meOf = (p: ProfileAnswer): Me => ({
  id: p.id,
  email: p.email,
  display_name: p.display_name,
  first_name: p.first_name,
  last_name: p.last_name,
  language_id: p.preferences.language.id,
  country_id: p.preferences.country.id,
  timezone_id: p.preferences.timezone.id,
});

export interface Signed {
  api: Api;
  me: Me;
  frame: Frame;
  speech: Speech;
  sessionHash: string;
  sessionId: number;
}

/** The signed-in page's context, or undefined once the browser has been sent to sign in. */
export async function signedIn(deps: Deps, req: FastifyRequest, reply: FastifyReply): Promise<Signed | undefined> {
  const secret = sessionSecretOf(req);
  const session = secret ? await sessionUser(deps.app.db, secret) : undefined;
  if (!secret || !session) {
    const next = encodeURIComponent(req.url);
    await reply.code(303).redirect(`/manager/sign-in?next=${next}`, 303);
    return undefined;
  }
  const api = apiFor(deps.app, deps.credentials, req, secret);
  const profile = await api<ProfileAnswer>('GET', '/2/profile');
  if (!profile.ok) throw new Error(`the console could not read the profile: ${profile.status}`);
  const me = meOf(profile.data);
  const s = speech(langOf(me.language_id), me.timezone_id);
  const frame: Frame = {
    speech: s,
    csrf: await deps.csrf.forConsole(session.tokenHash),
    tools: toolsUnlocked(req, deps.app.config.MIRROR_ADMIN_TOKEN),
    controlPlane: !!deps.app.config.MIRROR_ADMIN_TOKEN,
    here: req.url,
  };
  return { api, me, frame, speech: s, sessionHash: session.tokenHash, sessionId: session.sessionId };
}

// The form body parser gives a string per field, or an array of them for a field sent twice.
export type Form = Record<string, unknown>;

export const formOf = (req: FastifyRequest): Form => (isRecord(req.body) ? req.body : {});

/** A field's one value (the first, when sent twice). */
export function one(form: Form, name: string): string {
  const v = form[name];
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : '';
}

/** Every value of a field sent once or many times (checkboxes). */
export function many(form: Form, name: string): string[] {
  const v = form[name];
  const all: unknown[] = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter((x): x is string => typeof x === 'string');
}

/** A query parameter's value, '' when absent or repeated. */
export function queried(req: FastifyRequest, name: string): string {
  const v = isRecord(req.query) ? req.query[name] : undefined;
  return typeof v === 'string' ? v : '';
}

/** Whether the form carries this session's console token. */
export const formValid = (deps: Deps, signed: Signed, form: Form) =>
  deps.csrf.consoleValid(one(form, 'csrf'), signed.sessionHash);
