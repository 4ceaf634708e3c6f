import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/database.js';
import { toAppError } from '../plugins/errors.js';
import { AppError, invalidField } from './errors.js';

// The `Idempotency-Key` header of money-moving POSTs, scoped to the organisation. A route calls
// `idempotent(...)` around its handler once access has been checked (so a refused caller never
// stores an answer under the organisation's key):
// - first use: the key is claimed (in_flight) by one INSERT … ON CONFLICT DO NOTHING, which
//   commits on its own before the handler runs;
// - the handler's answer (success or client error) is stored; a 5xx releases the key so the
//   client may retry;
// - same key, same request after completion: the stored status and body, with
//   `Idempotent-Replayed: true`; same key, another request: 422 naming `Idempotency-Key`;
//   same key while the first is still running: 409 `idempotency_key_in_use`.

export const IDEMPOTENCY_HEADER = 'idempotency-key';
// A claim left in flight by a process that died stays in flight (409): taking it over could run
// a request whose money movement had already committed a second time.

export interface HandlerResult {
  status: number;
  body: unknown;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export const requestHash = (method: string, url: string, body: unknown) =>
  createHash('sha256').update(`${method.toUpperCase()} ${url}\n${canonical(body)}`).digest('hex');

function errorBody(err: AppError) {
  const error: Record<string, unknown> = { code: err.code, description: err.description };
  if (err.context) error.context = err.context;
  if (err.errors) error.errors = err.errors;
  return { result: 'error', error };
}

/** The header's value, or undefined when absent; 422 when empty, repeated or longer than 255. */
export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) || raw.length < 1 || raw.length > 255) {
    throw invalidField('Idempotency-Key', 'between', 'The Idempotency-Key header must be one value of 1 to 255 characters', [1, 255]);
  }
  return raw;
}

/**
 * Runs `handler` at most once per (organisation, key) and sends its answer; without the header
 * it simply runs it.
 */
export async function idempotent(
  db: Db,
  req: FastifyRequest,
  reply: FastifyReply,
  accountId: number,
  handler: () => Promise<HandlerResult>,
): Promise<FastifyReply> {
  const key = idempotencyKeyOf(req);
  if (key === undefined) {
    const r = await handler();
    return reply.status(r.status).send(r.body);
  }
  const hash = requestHash(req.method, req.url, req.body);

  for (let attempt = 0; ; attempt++) {
    const claimed = await db
      .insertInto('idempotency_keys')
      .values({ account_id: accountId, key, request_hash: hash, status: 'in_flight' })
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed) break;

    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) {
      // Released between our insert and this read (the first request failed with a 5xx).
      if (attempt < 3) continue;
      throw new AppError('idempotency_key_in_use', 'A request with this Idempotency-Key is in progress', { attribute: 'Idempotency-Key' });
    }
    if (existing.request_hash !== hash) {
      throw invalidField('Idempotency-Key', 'idempotency_mismatch', 'This Idempotency-Key was used with another request (method, path or body)');
    }
    if (existing.status === 'done') {
      const body = typeof existing.response_body === 'string' ? JSON.parse(existing.response_body) : existing.response_body;
      return reply.status(existing.response_status ?? 200).header('Idempotent-Replayed', 'true').send(body);
    }
    throw new AppError('idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress; retry later', { attribute: 'Idempotency-Key' });
  }

  const store = (status: number, body: unknown) =>
    db
      .updateTable('idempotency_keys')
      .set({ status: 'done', response_status: status, response_body: JSON.stringify(body) })
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .execute();

  let result: HandlerResult;
  try {
    result = await handler();
  } catch (err) {
    const known = toAppError(err);
    if (known && known.statusCode < 500) {
      await store(known.statusCode, errorBody(known));
    } else {
      await db.deleteFrom('idempotency_keys').where('account_id', '=', accountId).where('key', '=', key).execute().catch(() => {});
    }
    throw err;
  }
  if (result.status >= 500) {
    await db.deleteFrom('idempotency_keys').where('account_id', '=', accountId).where('key', '=', key).execute();
  } else {
    await store(result.status, result.body);
  }
  return reply.status(result.status).send(result.body);
}

/** The header the routes using `idempotent` declare, for validation and the OpenAPI document. */
export const idempotencyHeader = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string', minLength: 1, maxLength: 255,
      description: 'Replays the first answer for the same key and body; another body is 422, a request still running is 409',
    },
  },
} as const;
