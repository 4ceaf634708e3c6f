// The upstream error codes and the HTTP status each one travels with.
export const ERROR_STATUS = {
  bad_request: 400,
  results_set_too_large_error: 400,
  not_authorized: 401,
  payment_declined: 402,
  access_denied: 403,
  object_not_found: 404,
  method_not_found: 404,
  object_already_exists: 409,
  conflict_error: 409,
  idempotency_key_in_use: 409,
  validation_failed: 422,
  too_many_requests: 429,
  invitation_sending_rate_limit_reached: 429,
  unexpected_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  code: string;
  description: string;
  context: { attribute: string; values?: unknown[] };
}

/** A failure the client caused or may see; the error handler turns it into the envelope. */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    readonly description: string,
    readonly context?: Record<string, unknown>,
    readonly errors?: FieldError[],
  ) {
    super(description);
    this.statusCode = ERROR_STATUS[code];
  }
}

/** The `code` a thrown error carries (Node's errno names, Postgres' SQLSTATE), if any. */
export const errorCode = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;

export const notFound = (what: string) => new AppError('object_not_found', `${what} not found`);

export const accessDenied = (description: string, context?: Record<string, unknown>) =>
  new AppError('access_denied', description, context);

/** One failing field, in the shape of upstream's validator. */
export function fieldError(attribute: string, rule: string, description: string, values?: unknown[]): FieldError {
  return { code: `validation_rule_${rule}`, description, context: values ? { attribute, values } : { attribute } };
}

export function validationFailed(errors: FieldError[]): AppError {
  return new AppError('validation_failed', 'Validation failed', undefined, errors);
}

/** Shorthand for a single bad field raised by a service rule rather than the schema. */
export const invalidField = (attribute: string, rule: string, description: string, values?: unknown[]) =>
  validationFailed([fieldError(attribute, rule, description, values)]);
