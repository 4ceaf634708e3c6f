import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, validationFailed } from '../shared/errors.js';
import { vanishedSandbox } from './sandbox.js';
import { toFieldErrors } from '../shared/validation.js';

// The single place where a failure becomes the upstream error envelope.

/** The envelope of an error answer (also what an idempotent request stores and replays). */
export function errorEnvelope(err: AppError) {
  const error: Record<string, unknown> = { code: err.code, description: err.description };
  if (err.context) error.context = err.context;
  if (err.errors) error.errors = err.errors;
  return { result: 'error', error };
}

function send(reply: FastifyReply, err: AppError) {
  return reply.status(err.statusCode).type('application/json').send(errorEnvelope(err));
}

// Fastify's own refusals (node_modules/fastify/lib/errors.js), each with its status and a
// description of our own: theirs quote the path or the header they refused.
const FRAMEWORK_REFUSALS: Record<string, [status: number, description: string]> = {
  FST_ERR_BAD_URL: [400, 'The URL is not validly percent-encoded'],
  FST_ERR_INVALID_URL: [400, 'The URL is not valid'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'A path parameter is too long'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'The request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "The request body's media type is not supported"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, "The request body's size does not match its Content-Length"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'The request body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'The request body is not valid JSON'],
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: [400, 'The request has no Content-Type'],
  FST_ERR_ROUTE_MISSING_CONTENT: [400, 'The request has no body'],
};

function refusal(status: number, description: string): AppError {
  const err: { statusCode: number } & AppError = new AppError('bad_request', description);
  err.statusCode = status;
  return err;
}

/** Fastify's own 4xx failures (bad JSON, wrong media type, too large) are the client's fault. */
function fromFramework(err: FastifyError): AppError | undefined {
  if (err.validation) return validationFailed(toFieldErrors(err.validation, err.validationContext ?? 'body'));
  if (err instanceof SyntaxError) return new AppError('bad_request', 'The request body is not valid JSON');
  const known = FRAMEWORK_REFUSALS[err.code];
  if (known) return refusal(...known);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return refusal(400, err.message);
  return undefined;
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the handler gets whatever was thrown; fromFramework only reads fields a FastifyError may lack (validation, code, statusCode) and checks each
  return fromFramework(err as FastifyError);
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route or hook (a path that
 * does not decode, a parameter over maxParamLength) answered in the envelope like the rest.
 */
export function answerFrameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  // Fastify ignores what this returns: the reply is sent here, not handed back as a thenable.
  void send(reply, toAppError(err) ?? unexpected(req, err));
}

/** An error no rule knows: logged, and answered without its details. */
function unexpected(req: FastifyRequest, err: unknown): AppError {
  req.log.error({ err }, 'unexpected error');
  return new AppError('unexpected_error', 'An unexpected error occurred');
}

export default fp(
  async function errors(app) {
    app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
      const known = toAppError(err);
      if (known) return send(reply, known);
      const vanished = vanishedSandbox(req, err);
      if (vanished) return send(reply, vanished);
      return send(reply, unexpected(req, err));
    });

    app.setNotFoundHandler((req, reply) =>
      send(reply, new AppError('method_not_found', `No route ${req.method} ${req.url.split('?')[0]}`)),
    );

    // Clients (and upstream's docs) send JSON bodies on DELETE and empty bodies with a JSON
    // content type; an empty body is "no body", not a syntax error.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser<string>('application/json', { parseAs: 'string' }, (req, body, done) => {
      if (body.trim() === '') return done(null, undefined);
      // The default parser is the callback kind (its type also allows the promise kind): it answers through the callback.
      void parseJson(req, body, (err, value) => {
        if (err) return done(new AppError('bad_request', 'The request body is not valid JSON'));
        done(null, value);
      });
    });
  },
  { name: 'errors' },
);
