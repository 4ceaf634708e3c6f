import type { FastifyInstance } from 'fastify';
import { isRecord } from '../../../shared/is-record.js';
import { envelopeOf, type Envelope } from '../envelope.js';

// The tools pages call the control plane (/_mirror) in-process with the admin token, and read
// its answer's envelope as the API's is read (envelope.ts): the data, the error, and the
// validation messages by field, for the page to put next to the field that caused them.

export type PlaneAnswer = Envelope;

export type Plane = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => Promise<PlaneAnswer>;

export function controlPlane(app: FastifyInstance, adminToken: string): Plane {
  const authorization = `Bearer ${adminToken}`;
  return async (method, url, body) => {
    const res = await app.inject({
      method,
      url,
      headers: body === undefined ? { authorization } : { authorization, 'content-type': 'application/json' },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return envelopeOf(res.statusCode, res.body);
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
