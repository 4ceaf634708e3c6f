import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isRecord } from '../../shared/is-record.js';
import type { ConsoleCredentials } from './console-credentials.js';

// The console's calls to the API: app.inject with the session's console bearer, the browser's
// address and user agent (so the activity log and the sign-in alerts see the person, not the
// server), and the answer's envelope read back as the API sent it.

export interface FieldProblem {
  attribute: string;
  description: string;
}

export interface Answer<T> {
  status: number;
  ok: boolean;
  data: T;
  /** The error's code and description (the API's envelope), when not ok. */
  error?: { code: string; description: string };
  /** The validation errors by field (`errors[].context.attribute`), when the API gave some. */
  fields: FieldProblem[];
}

export type Api = <T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
) => Promise<Answer<T>>;

const text = (v: unknown) => (typeof v === 'string' ? v : '');

function fieldsOf(error: Record<string, unknown>): FieldProblem[] {
  const errors = Array.isArray(error.errors) ? error.errors : [];
  return errors.flatMap((e: unknown) => {
    if (!isRecord(e) || !isRecord(e.context) || typeof e.context.attribute !== 'string') return [];
    return [{ attribute: e.context.attribute, description: text(e.description) }];
  });
}

function answerOf<T>(status: number, body: unknown): Answer<T> {
  const envelope = isRecord(body) ? body : {};
  const error = isRecord(envelope.error) ? envelope.error : undefined;
  return {
    status,
    ok: status < 400 && envelope.result === 'success',
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the caller names the type of the route's documented data
    data: envelope.data as T,
    error: error ? { code: text(error.code), description: text(error.description) } : undefined,
    fields: error ? fieldsOf(error) : [],
  };
}

export function apiFor(
  app: FastifyInstance,
  credentials: ConsoleCredentials,
  req: FastifyRequest,
  sessionSecret: string,
): Api {
  const headers: Record<string, string> = {
    authorization: `Bearer ${credentials.bearerFor(sessionSecret)}`,
    'user-agent': req.headers['user-agent'] ?? '',
  };
  return async (method, url, body) => {
    const res = await app.inject({
      method,
      url,
      remoteAddress: req.ip,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    let parsed: unknown;
    try {
      parsed = res.json();
    } catch {
      parsed = undefined;
    }
    return answerOf(res.statusCode, parsed);
  };
}
