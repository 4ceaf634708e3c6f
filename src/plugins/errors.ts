import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, validationFailed } from '../shared/errors.js';
import { vanishedSandbox } from './sandbox.js';
import { toFieldErrors } from '../shared/validation.js';

// The single place where a failure becomes the upstream error envelope.

function send(reply: FastifyReply, err: AppError) {
  const error: Record<string, unknown> = { code: err.code, description: err.description };
  if (err.context) error.context = err.context;
  if (err.errors) error.errors = err.errors;
  return reply.status(err.statusCode).type('application/json').send({ result: 'error', error });
}

/** Fastify's own 4xx failures (bad JSON, wrong media type, too large) are the client's fault. */
function fromFramework(err: FastifyError): AppError | undefined {
  if (err.validation) return validationFailed(toFieldErrors(err.validation as never, err.validationContext ?? 'body'));
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('bad_request', 'The request body is not valid JSON');
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    const appErr = new AppError('bad_request', err.message);
    (appErr as { statusCode: number }).statusCode = err.statusCode === 413 || err.statusCode === 415 ? err.statusCode : 400;
    return appErr;
  }
  return undefined;
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  return fromFramework(err as FastifyError);
}

export default fp(
  async function errors(app) {
    app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
      const known = toAppError(err);
      if (known) return send(reply, known);
      const vanished = vanishedSandbox(req, err);
      if (vanished) return send(reply, vanished);
      req.log.error({ err }, 'unexpected error');
      return send(reply, new AppError('unexpected_error', 'An unexpected error occurred'));
    });

    app.setNotFoundHandler((req, reply) =>
      send(reply, new AppError('method_not_found', `No route ${req.method} ${req.url.split('?')[0]}`)),
    );

    // Clients (and upstream's docs) send JSON bodies on DELETE and empty bodies with a JSON
    // content type; an empty body is "no body", not a syntax error.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
      parseJson(req, body as string, (err, value) => {
        if (err) return done(new AppError('bad_request', 'The request body is not valid JSON') as never);
        done(null, value);
      });
    });
  },
  { name: 'errors' },
);
