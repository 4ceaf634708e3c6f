import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConsoleCredentials } from './console-credentials.js';
import { envelopeOf, type Envelope, type FieldProblem } from './envelope.js';

// The console's calls to the API: app.inject with the session's console bearer, the browser's
// address and user agent (so the activity log and the sign-in alerts see the person, not the
// server), and the answer's envelope read back as the API sent it.

export type { FieldProblem };

/** An answer whose data the caller names the type of (the route's documented data). */
export interface Answer<T> extends Omit<Envelope, 'data'> {
  data: T;
}

export type Api = <T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
) => Promise<Answer<T>>;

function answerOf<T>(envelope: Envelope): Answer<T> {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the caller names the type of the route's documented data
  return { ...envelope, data: envelope.data as T };
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
    return answerOf(envelopeOf(res.statusCode, res.body));
  };
}
