import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { bearerOf, bearsAdminToken } from '../../plugins/auth.js';
import { errorEnvelope } from '../../plugins/errors.js';
import { AppError } from '../../shared/errors.js';
import { apply, FaultBook, MAX_FAULT_DELAY_MS, parseFaultHeader } from './faults.js';
import { Journal } from './journal.js';
import { isRecord } from '../../shared/is-record.js';

declare module 'fastify' {
  interface FastifyInstance {
    mirror: { faults: FaultBook; journal: Journal };
  }
  interface FastifyRequest {
    journalErrors: { code: string | null; errors: unknown[] | null } | null;
  }
}

// With the control plane on (MIRROR_ADMIN_TOKEN), every request meets the fault rules first
// (and its own X-Mirror-Fault header, where that counts), and leaves a line in the journal.
// Off, none of this runs. The control plane's own requests are neither faulted nor journaled.

/** The URL without its query string. */
const pathOf = (url: string) => {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
};
const BAD_HEADER = `X-Mirror-Fault: status=NNN, error=<code>, delay=MS[-MS] (at most ${MAX_FAULT_DELAY_MS}) or drop`;

/** A fault applied, then the request goes on unless the fault answered it (or dropped it). */
function applyThen(
  rule: Parameters<typeof apply>[0],
  req: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) {
  apply(rule, req, reply).then(
    () => (reply.sent ? undefined : done()),
    (err: unknown) => done(err instanceof Error ? err : new Error('The fault could not be applied', { cause: err })),
  );
}

/** The code and field errors of an error answer (the envelope, errors.ts); absent if it is something else. */
function journalErrorsOf(payload: string): FastifyRequest['journalErrors'] {
  try {
    const parsed: unknown = JSON.parse(payload);
    const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
    return {
      code: typeof error?.code === 'string' ? error.code : null,
      errors: Array.isArray(error?.errors) ? error.errors : null,
    };
  } catch {
    return null;
  }
}

const skipped = (url: string) => url.startsWith('/_mirror') || url.startsWith('/docs') || url === '/metrics';

export const mirrorHooks = fp<{ adminToken: string | undefined }>(
  async function testingHooks(app, { adminToken }) {
    const state = { faults: new FaultBook(), journal: new Journal(1000) };
    app.decorate('mirror', state);
    app.decorateRequest('journalErrors', null);
    if (adminToken === undefined) return;
    // Elsewhere the header is ignored, as upstream ignores a header it does not know.
    const headerCounts = (req: FastifyRequest) =>
      state.faults.headerHonoured(req.sandbox) || bearsAdminToken(req, adminToken);

    // Callback hooks: they meet every request, and an async one costs each a promise.
    app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (skipped(req.url)) return done();
      const header = req.headers['x-mirror-fault'];
      if (typeof header === 'string' && headerCounts(req)) {
        const rule = parseFaultHeader(header);
        if (!rule) return void reply.code(400).send(errorEnvelope(new AppError('bad_request', BAD_HEADER)));
        return applyThen(rule, req, reply, done);
      }
      const rule = state.faults.pick(req.sandbox, req.method, pathOf(req.url), () => bearerOf(req) || undefined);
      if (rule) return applyThen(rule, req, reply, done);
      done();
    });

    app.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done) => {
      if (reply.statusCode >= 400 && typeof payload === 'string' && !skipped(req.url)) {
        req.journalErrors = journalErrorsOf(payload);
      }
      done(null, payload);
    });

    app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (!skipped(req.url)) {
        state.journal.add({
          request_id: String(req.id),
          sandbox: req.sandbox,
          method: req.method,
          path: pathOf(req.url),
          route: req.routeOptions.url ?? null,
          status: reply.statusCode,
          token_id: req.principal?.tokenId ?? null,
          duration_ms: Math.round(reply.elapsedTime * 100) / 100,
          validation_errors: req.journalErrors?.errors ?? null,
          error_code: req.journalErrors?.code ?? null,
          at: Date.now(),
        });
      }
      done();
    });
  },
  { name: 'mirror-testing-hooks' },
);
