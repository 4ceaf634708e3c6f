import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { Db, Executor } from '../../db/database.js';
import type { Database } from '../../db/types.js';
import { inTransaction } from '../../db/transaction.js';
import { errorEnvelope, toAppError } from '../../plugins/errors.js';
import { AppError, invalidField } from '../../shared/errors.js';
import { ok } from '../../shared/reply.js';
import { idempotencyRepository } from './idempotency.repository.js';

// The `Idempotency-Key` header of money-moving POSTs, scoped to the organisation. A route calls
// `idempotent(...)` once access has been checked (so a refused caller never stores an answer
// under the organisation's key) and hands the service an `IdempotencyStep` for its transaction:
// - the transaction's first statement claims the key (an INSERT); its last stores the answer.
//   The change and its answer commit together or not at all: a crash in between leaves neither,
//   and a retry runs afresh (no key left in flight, no second charge);
// - a concurrent request with the same key waits on the key's INSERT until the first ends,
//   then replays its answer (or, the first rolled back, runs itself);
// - a client error whose transaction rolled back (nothing moved) is stored on its own; a
//   server error stores nothing, so the client may retry;
// - same key, same request once answered: the stored status and body, with
//   `Idempotent-Replayed: true`; same key, another request: 422 naming `Idempotency-Key`.

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** What a service does with the key inside its transaction: `claim` first, `answer` last before commit. */
export interface IdempotencyStep<T> {
  /** Claims the key; throws (rolling the transaction back) when a request with it has already been answered. */
  claim(trx: Executor): Promise<void>;
  /** Stores the answer: the service's result, or the client error it ends with while keeping what it wrote. */
  answer(trx: Executor, outcome: T | AppError): Promise<void>;
}

/** Runs `fn` in one transaction that claims the key first and stores `fn`'s result as the answer last. */
export function inIdempotentTransaction<T>(
  db: Db,
  step: IdempotencyStep<T> | undefined,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return inTransaction(db, async (trx) => {
    await step?.claim(trx);
    const result = await fn(trx);
    await step?.answer(trx, result);
    return result;
  });
}

/** Thrown by `claim`: the key's answer committed meanwhile; it is replayed. */
class AlreadyAnswered extends Error {}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, value]) => `${JSON.stringify(k)}:${canonical(value)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export const requestHash = (method: string, url: string, body: unknown) =>
  createHash('sha256')
    .update(`${method.toUpperCase()} ${url}\n${canonical(body)}`)
    .digest('hex');

/** The header's value, or undefined when absent; 422 when empty, repeated or longer than 255. */
export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw) || raw.length < 1 || raw.length > 255) {
    throw invalidField(
      'Idempotency-Key',
      'between',
      'The Idempotency-Key header must be one value of 1 to 255 characters',
      [1, 255],
    );
  }
  return raw;
}

type StoredKey = NonNullable<Awaited<ReturnType<ReturnType<typeof idempotencyRepository>['find']>>>;

/** The stored answer again; 422 when the key was used with another request. */
function replay(reply: FastifyReply, stored: StoredKey, hash: string): FastifyReply {
  if (stored.request_hash !== hash) {
    throw invalidField(
      'Idempotency-Key',
      'idempotency_mismatch',
      'This Idempotency-Key was used with another request (method, path or body)',
    );
  }
  if (stored.status !== 'done') {
    // Only a version of the mirror that claimed keys outside the change's transaction left
    // claims in flight; whether its change committed is unknown, so it is never run again.
    throw new AppError('idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress', {
      attribute: 'Idempotency-Key',
    });
  }
  const body: unknown =
    typeof stored.response_body === 'string' ? JSON.parse(stored.response_body) : stored.response_body;
  return reply
    .status(stored.response_status ?? 200)
    .header('Idempotent-Replayed', 'true')
    .send(body);
}

/**
 * Runs `run` at most once per (organisation, key) and sends `status` with its result in the
 * success envelope; without the header it simply runs it (the step is undefined).
 */
export async function idempotent<T>(
  db: Db,
  req: FastifyRequest,
  reply: FastifyReply,
  accountId: number,
  status: number,
  run: (step: IdempotencyStep<T> | undefined) => Promise<T>,
): Promise<FastifyReply> {
  const key = idempotencyKeyOf(req);
  if (key === undefined) return reply.status(status).send(ok(await run(undefined)));
  const hash = requestHash(req.method, req.url, req.body);

  // Answered already: replayed (the same request) without running anything.
  const keys = idempotencyRepository(db);
  const stored = await keys.find(accountId, key);
  if (stored) return replay(reply, stored, hash);

  let answered = false;
  const step: IdempotencyStep<T> = {
    async claim(trx) {
      if (!(await idempotencyRepository(trx).claim(accountId, key, hash))) throw new AlreadyAnswered();
    },
    async answer(trx, outcome) {
      const keysInTrx = idempotencyRepository(trx);
      if (outcome instanceof AppError)
        await keysInTrx.answer(accountId, key, outcome.statusCode, errorEnvelope(outcome));
      else await keysInTrx.answer(accountId, key, status, ok(outcome));
      answered = true;
    },
  };
  try {
    return reply.status(status).send(ok(await run(step)));
  } catch (err) {
    if (err instanceof AlreadyAnswered) {
      const winner = await keys.find(accountId, key);
      if (winner) return replay(reply, winner, hash);
      throw new AppError('idempotency_key_in_use', 'A request with this Idempotency-Key is in progress; retry', {
        attribute: 'Idempotency-Key',
      });
    }
    const known = toAppError(err);
    if (known && known.statusCode < 500 && !answered) {
      await keys.storeRefusal(accountId, key, hash, known.statusCode, errorEnvelope(known));
    }
    throw err;
  }
}

/** The header the routes using `idempotent` declare, for validation and the OpenAPI document. */
export const idempotencyHeader = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description:
        'Replays the first answer for the same key and body (a concurrent duplicate waits for the first, then replays it); another body is 422',
    },
  },
} as const;
