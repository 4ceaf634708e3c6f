import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
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

    app.addHook('onRequest', async (req, reply) => {
      if (skipped(req.url)) return;
      const header = req.headers['x-mirror-fault'];
      if (typeof header === 'string' && headerCounts(req)) {
        const rule = parseFaultHeader(header);
        if (!rule) return reply.code(400).send(errorEnvelope(new AppError('bad_request', BAD_HEADER)));
        return apply(rule, req, reply);
      }
      const rule = state.faults.pick(req.sandbox, req.method, pathOf(req.url), bearerOf(req) || undefined);
      if (rule) return apply(rule, req, reply);
    });

    app.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode >= 400 && typeof payload === 'string' && !skipped(req.url)) {
        try {
          // An error answer is the envelope (errors.ts); were it something else, the fields read as absent.
          const parsed: unknown = JSON.parse(payload);
          const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
          req.journalErrors = {
            code: typeof error?.code === 'string' ? error.code : null,
            errors: Array.isArray(error?.errors) ? error.errors : null,
          };
        } catch {
          req.journalErrors = null;
        }
      }
      return payload;
    });

    app.addHook('onResponse', async (req, reply) => {
      if (skipped(req.url)) return;
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
    });
  },
  { name: 'mirror-testing-hooks' },
);
