import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fp from 'fastify-plugin';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is harmless to log, otherwise makes one. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

export default fp(
  async function requestIdHeader(app) {
    // A plain callback, not async: this runs on every request.
    app.addHook('onRequest', (req, reply, done) => {
      reply.header('x-request-id', req.id);
      // JSON must never be sniffed into something a browser would run.
      reply.header('x-content-type-options', 'nosniff');
      done();
    });
  },
  { name: 'request-id' },
);
