import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../shared/errors.js';
import { parseTrustProxy } from '../shared/trust-proxy.js';
import { errorEnvelope } from './errors.js';

// The HTTP server under Fastify: its timeouts (docs/running.md says why the defaults),
// the proxies whose X-Forwarded-For makes `req.ip`, and the answer to what Node refuses before
// Fastify sees a request.

// Node checks the request and headers timeouts every connectionsCheckingInterval (30 s by
// default: a 10 s timeout could wait 40 s). Checked as often as the shorter one runs, each
// fires within twice its time.
const NODE_CHECKING_INTERVAL_MS = 30_000;

const REFUSALS: Record<string, [status: number, description: string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large'],
};

/**
 * Malformed HTTP, a request or its headers not received in time: answered in the envelope
 * like every other failure (Fastify's own answer is not), then the connection is closed.
 */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, description] = REFUSALS[err.code ?? ''] ?? [400, 'Malformed HTTP request'];
  const body = JSON.stringify(errorEnvelope(new AppError('bad_request', description)));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

export function httpServerOptions(config: Config): FastifyHttpOptions<Server> {
  const checked = [config.REQUEST_TIMEOUT_MS, config.HEADERS_TIMEOUT_MS].filter((ms) => ms > 0);
  return {
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeout: config.CONNECTION_TIMEOUT_MS,
    // Node takes these only when the server is made (and checks the headers' against the request's then).
    http: {
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout: config.HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(NODE_CHECKING_INTERVAL_MS, ...checked),
    },
    clientErrorHandler: answerClientError,
  };
}
