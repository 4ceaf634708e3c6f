import { isRecord } from '../../shared/is-record.js';

// An answer of the API or of the control plane, read back from its JSON envelope as the server
// sent it: what every console call (api-client.ts, the accounting pages' keyed calls, the test
// tools' control-plane calls) shows a person.

export interface FieldProblem {
  attribute: string;
  description: string;
}

export interface Envelope {
  status: number;
  ok: boolean;
  /** The envelope's data, unread: the caller checks or names its shape. */
  data: unknown;
  /** A list's total, when the answer gives one. */
  total: number | undefined;
  /** The error's code and description, when not ok. */
  error?: { code: string; description: string };
  /** The validation errors by field (`errors[].context.attribute`), when the server gave some. */
  fields: FieldProblem[];
  /** The error's context (a decline's `decline_code`, a shortfall, the ids it names). */
  context: Record<string, unknown>;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

function fieldsOf(error: Record<string, unknown>): FieldProblem[] {
  const errors = Array.isArray(error.errors) ? error.errors : [];
  return errors.flatMap((e: unknown) => {
    if (!isRecord(e) || !isRecord(e.context) || typeof e.context.attribute !== 'string') return [];
    return [{ attribute: e.context.attribute, description: text(e.description) }];
  });
}

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The envelope of an answer's status and body (a body that is no JSON reads as an empty envelope). */
export function envelopeOf(status: number, body: string): Envelope {
  const json = parsed(body);
  const envelope = isRecord(json) ? json : {};
  const error = isRecord(envelope.error) ? envelope.error : undefined;
  return {
    status,
    ok: status < 400 && envelope.result === 'success',
    data: envelope.data,
    total: typeof envelope.total === 'number' ? envelope.total : undefined,
    error: error ? { code: text(error.code), description: text(error.description) } : undefined,
    fields: error ? fieldsOf(error) : [],
    context: error && isRecord(error.context) ? error.context : {},
  };
}
