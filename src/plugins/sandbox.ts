import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { sandboxVanished, type Sandboxes } from '../db/sandboxes.js';
import { AppError } from '../shared/errors.js';
import { runInScope } from '../shared/scope.js';
import { sandboxOfToken } from '../shared/secrets.js';
import { bearerOf, bearsAdminToken } from './auth.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The sandboxes; null when the control plane is off (they are one of its tools). */
    sandboxes: Sandboxes | null;
  }
  interface FastifyRequest {
    /** The sandbox the request acts in, or null for the main data. */
    sandbox: string | null;
  }
}

export const SANDBOX_HEADER = 'x-mirror-sandbox';

/**
 * A failure because another instance deleted the request's sandbox while this one held it
 * open: this instance lets go of it, so the next request finds it gone (or made anew by the
 * control plane). Undefined for any other failure.
 */
export function vanishedSandbox(req: FastifyRequest, err: unknown): AppError | undefined {
  if (req.sandbox === null || !sandboxVanished(err)) return undefined;
  // forget() lets go at once; closing the dead pool may finish after the answer.
  void req.server.sandboxes?.forget(req.sandbox);
  return new AppError(
    'conflict_error',
    'The sandbox was deleted (through another instance) while this request used it',
    { sandbox: req.sandbox },
  );
}

/** The sandbox a request names: its X-Mirror-Sandbox header, else the sandbox its token was made in. */
function namedSandbox(req: FastifyRequest): string | null {
  const header = req.headers[SANDBOX_HEADER];
  const token = bearerOf(req);
  const ofToken = token ? sandboxOfToken(token) : null;
  if (header === undefined) return ofToken;
  if (typeof header !== 'string') throw new AppError('bad_request', 'One X-Mirror-Sandbox header at most');
  if (ofToken !== null && ofToken !== header) {
    throw new AppError('bad_request', `The token was made in sandbox ${ofToken}, the request names ${header}`, {
      sandbox: header,
      token_sandbox: ofToken,
    });
  }
  return header;
}

/**
 * Chooses the data a request acts on, before anything reads it (the token is looked up in the
 * sandbox's database). Everything after the first hook (body parsing, the other hooks, the
 * handler, onSend) continues from the callback that entered the scope, so it keeps it; the
 * sandboxes test checks this over real HTTP with interleaved bodies. Only a request whose
 * bearer is the admin token may make the sandbox it names: that is told from the header
 * itself, there being no principal yet.
 */
export default fp<{ sandboxes: Sandboxes | null; adminToken: string | undefined }>(
  async function sandbox(app, { sandboxes, adminToken }) {
    app.decorate('sandboxes', sandboxes);
    app.decorateRequest('sandbox', null);
    if (!sandboxes) {
      // Off, a request naming a sandbox is refused rather than let loose on the main data (a
      // sandbox's token is simply unknown here).
      // A callback hook: it runs on every request, and an async one costs each a promise.
      app.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
        const name = req.headers[SANDBOX_HEADER];
        if (name === undefined) return done();
        done(
          new AppError(
            'bad_request',
            'Sandboxes are part of the control plane: this mirror runs without MIRROR_ADMIN_TOKEN',
            { sandbox: name },
          ),
        );
      });
      return;
    }
    app.addHook('onClose', () => sandboxes.release());

    app.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      let name: string | null;
      try {
        name = namedSandbox(req);
      } catch (err) {
        return done(err instanceof Error ? err : new Error('The sandbox could not be named', { cause: err }));
      }
      if (name === null) return done();
      sandboxes.open(name, bearsAdminToken(req, adminToken)).then(
        ({ scope }) => {
          req.sandbox = name;
          runInScope(scope, () => done());
        },
        (err: Error) => done(err),
      );
    });
  },
  { name: 'sandbox', dependencies: ['db'] },
);
