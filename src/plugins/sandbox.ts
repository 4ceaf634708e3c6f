import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { sandboxVanished, type Sandboxes } from '../db/sandboxes.js';
import { AppError } from '../shared/errors.js';
import { runInScope, type Scope } from '../shared/scope.js';
import { sandboxOfToken } from '../shared/secrets.js';
import { bearerOf } from './auth.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The sandboxes; null when the control plane is off (they are one of its tools). */
    sandboxes: Sandboxes | null;
  }
  interface FastifyRequest {
    /** The sandbox the request acts in, or null for the main data. */
    sandbox: string | null;
    sandboxScope: Scope | undefined;
  }
}

export const SANDBOX_HEADER = 'x-mirror-sandbox';

/** The sandbox a request names: its X-Mirror-Sandbox header, else the sandbox its token was made in. */
function namedSandbox(req: FastifyRequest): string | null {
  const header = req.headers[SANDBOX_HEADER];
  const token = bearerOf(req);
  const ofToken = token ? sandboxOfToken(token) : null;
  if (header === undefined) return ofToken;
  if (typeof header !== 'string') throw new AppError('bad_request', 'One X-Mirror-Sandbox header at most');
  if (ofToken !== null && ofToken !== header) {
    throw new AppError('bad_request', `The token was made in sandbox ${ofToken}, the request names ${header}`, { sandbox: header, token_sandbox: ofToken });
  }
  return header;
}

/**
 * Chooses the data a request acts on, before anything reads it (the token is looked up in the
 * sandbox's database). Everything after the first hook (body parsing, the other hooks, the
 * handler, onSend) continues from the callback that entered the scope, so it keeps it; the
 * sandboxes test checks this over real HTTP with interleaved bodies.
 */
export default fp<{ sandboxes: Sandboxes | null }>(
  async function sandbox(app, { sandboxes }) {
    app.decorate('sandboxes', sandboxes);
    app.decorateRequest('sandbox', null);
    app.decorateRequest('sandboxScope', undefined);
    if (!sandboxes) {
      // Off, a request naming a sandbox is refused rather than let loose on the main data (a
      // sandbox's token is simply unknown here).
      app.addHook('onRequest', async (req) => {
        const name = req.headers[SANDBOX_HEADER];
        if (name !== undefined) throw new AppError('bad_request', 'Sandboxes are part of the control plane: this mirror runs without MIRROR_ADMIN_TOKEN', { sandbox: name });
      });
      return;
    }
    app.addHook('onClose', () => sandboxes.release());
    // Another instance deleted the sandbox while this one held it open: let go of it, so the
    // next request makes it again (this one is answered a conflict, errors.ts).
    app.addHook('onError', async (req, _reply, err) => {
      if (req.sandbox !== null && sandboxVanished(err)) await sandboxes.forget(req.sandbox);
    });

    app.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      let name: string | null;
      try {
        name = namedSandbox(req);
      } catch (err) {
        return done(err as Error);
      }
      if (name === null) return done();
      sandboxes.open(name).then(({ scope }) => {
        req.sandbox = name;
        req.sandboxScope = scope;
        runInScope(scope, () => done());
      }, (err: Error) => done(err));
    });
  },
  { name: 'sandbox', dependencies: ['db'] },
);
