import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { activityLog, type ActivityEntry } from './activity.repository.js';
import { lineWriter } from './line-writer.js';
import { isRecord } from '../../shared/is-record.js';

// Records the activity of every successful change made through the API, as the route's
// config.activity says (plugins/route-meta.ts), before the answer leaves (so a client that
// reads the log next sees it): the lines of answers sent at once are written together
// (line-writer.ts). Sign-ins, the renewal run and consents record theirs where they happen,
// in their own transactions.

// A hook sees every route: its path parameters as its schema left them (strings, or the integers
// it coerced), which numeric() reads alike.
const paramsOf = (req: FastifyRequest): Record<string, unknown> => (isRecord(req.params) ? req.params : {});
const numeric = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;

/** The entry a successful change records; undefined when its answer records nothing. */
function entryOf(req: FastifyRequest, reply: FastifyReply, payload: unknown): ActivityEntry | undefined {
  if (reply.statusCode < 200 || reply.statusCode >= 300 || req.method === 'GET') return undefined;
  const entry = req.routeOptions.config.activity;
  if (!entry || 'none' in entry) return undefined;
  const { action, target, actorFromResponse } = entry;
  const params = paramsOf(req);
  let data: Record<string, unknown> | undefined;
  if (
    typeof payload === 'string' &&
    (target?.fromResponse || actorFromResponse || (!params.account && !params.account_id))
  ) {
    try {
      const parsed: unknown = JSON.parse(payload);
      data = isRecord(parsed) && isRecord(parsed.data) ? parsed.data : undefined;
    } catch {
      data = undefined;
    }
  }
  return {
    user_id: req.principal?.user.id ?? (actorFromResponse ? numeric(data?.user_id) : null),
    account_id: numeric(params.account ?? params.account_id) ?? numeric(data?.account_id),
    action: typeof action === 'function' ? action(req) : action,
    target_type: target?.type ?? null,
    target_id: target?.param
      ? numeric(params[target.param])
      : target?.fromResponse
        ? numeric(data?.[typeof target.fromResponse === 'string' ? target.fromResponse : 'id'])
        : null,
    product_id: numeric(params.product),
    ip: req.ip,
    user_agent: req.headers['user-agent'] ?? null,
  };
}

export const activityHook = fp(
  async function activityHook(app) {
    // app.db goes to the request's sandbox on every call: one repository serves every request.
    const log = activityLog(app.db);
    const lines = lineWriter(log.recordAll, log.record);
    // A callback hook: every answer passes here, most (the reads) recording nothing, and an
    // async hook costs each of them a promise.
    app.addHook('onSend', (req, reply, payload, done) => {
      const entry = entryOf(req, reply, payload);
      if (!entry) return done(null, payload);
      // The change is made; a log line that cannot be written must not turn it into an error.
      lines
        .write(entry)
        .catch((err: unknown) => req.log.error({ err }, 'activity not recorded'))
        .then(() => done(null, payload), done);
    });
  },
  { name: 'activity-hook', dependencies: ['db'] },
);
