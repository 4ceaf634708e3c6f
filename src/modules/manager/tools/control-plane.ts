import type { FastifyInstance } from 'fastify';
import { isRecord } from '../../../shared/is-record.js';
import type { FieldProblem } from '../api-client.js';

// The tools pages call the control plane (/_mirror) in-process with the admin token, and read
// its answer's envelope as api-client.ts reads the API's: the data, the error, and the
// validation messages by field, for the page to put next to the field that caused them.

export interface PlaneAnswer {
  status: number;
  ok: boolean;
  /** The envelope's data, unread: each page checks the shape it shows. */
  data: unknown;
  /** A list's total (GET /_mirror/outbox), when the answer gives one. */
  total: number | undefined;
  error?: { code: string; description: string };
  fields: FieldProblem[];
}

export type Plane = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => Promise<PlaneAnswer>;

const text = (v: unknown) => (typeof v === 'string' ? v : '');

function fieldsOf(error: Record<string, unknown>): FieldProblem[] {
  const errors = Array.isArray(error.errors) ? error.errors : [];
  return errors.flatMap((e: unknown) => {
    if (!isRecord(e) || !isRecord(e.context) || typeof e.context.attribute !== 'string') return [];
    return [{ attribute: e.context.attribute, description: text(e.description) }];
  });
}

function answerOf(status: number, body: unknown): PlaneAnswer {
  const envelope = isRecord(body) ? body : {};
  const error = isRecord(envelope.error) ? envelope.error : undefined;
  return {
    status,
    ok: status < 400 && envelope.result === 'success',
    data: envelope.data,
    total: typeof envelope.total === 'number' ? envelope.total : undefined,
    error: error ? { code: text(error.code), description: text(error.description) } : undefined,
    fields: error ? fieldsOf(error) : [],
  };
}

export function controlPlane(app: FastifyInstance, adminToken: string): Plane {
  const authorization = `Bearer ${adminToken}`;
  return async (method, url, body) => {
    const res = await app.inject({
      method,
      url,
      headers: body === undefined ? { authorization } : { authorization, 'content-type': 'application/json' },
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

/** The answer's data as a list of records (an unexpected shape reads as none). */
export const rowsOf = (answer: PlaneAnswer): Record<string, unknown>[] =>
  Array.isArray(answer.data) ? answer.data.filter(isRecord) : [];

/** A field of a record as text, a number as its digits, anything else as ''. */
export function textOf(row: Record<string, unknown>, key: string): string {
  const v = row[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** A field of a record as a number, else undefined. */
export function numberOf(row: Record<string, unknown>, key: string): number | undefined {
  const v = row[key];
  return typeof v === 'number' ? v : undefined;
}
