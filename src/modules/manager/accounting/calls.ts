import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { isRecord } from '../../../shared/is-record.js';
import { sessionSecretOf } from '../../oauth/index.js';
import type { Answer } from '../api-client.js';
import { envelopeOf } from '../envelope.js';
import type { Deps } from '../context.js';

// The accounting pages' own calls to the API, beside api-client.ts: a change sent with an
// Idempotency-Key (a form posted twice pays once), and the invoice's PDF, whose bytes are sent
// on as they came. Both as the signed-in user, with the console's bearer of the session.

type Call = { method: 'GET' | 'POST' | 'DELETE'; url: string; body?: unknown; key?: string };

/** A fresh value for a form's hidden `key` field, drawn when the page is rendered. */
export const formKey = () => randomBytes(16).toString('base64url');

function headersOf(deps: Deps, req: FastifyRequest, call: Call): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${deps.credentials.bearerFor(sessionSecretOf(req) ?? '')}`,
    'user-agent': req.headers['user-agent'] ?? '',
  };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  // The key names the form it came from, so that it never meets a key of another client.
  if (call.key) headers['idempotency-key'] = `manager-${call.key}`;
  return headers;
}

/** The API's raw answer: status, headers and bytes. */
export const rawCall = (deps: Deps, req: FastifyRequest, call: Call) =>
  deps.app.inject({
    method: call.method,
    url: call.url,
    remoteAddress: req.ip,
    headers: headersOf(deps, req, call),
    payload: call.body === undefined ? undefined : JSON.stringify(call.body),
  });

/** An answer with its error's context (a decline's `decline_code`, a shortfall). */
export type Keyed = Answer<Record<string, unknown>>;

/** A change sent with the form's idempotency key; the answer's data as a record to read from. */
export async function keyedCall(deps: Deps, req: FastifyRequest, call: Call): Promise<Keyed> {
  const res = await rawCall(deps, req, call);
  const envelope = envelopeOf(res.statusCode, res.body);
  return { ...envelope, data: isRecord(envelope.data) ? envelope.data : {} };
}
