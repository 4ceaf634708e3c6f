import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { currentScope, type Scope } from '../shared/scope.js';
import { nowSeconds } from '../shared/time.js';
import { AnswerStore, type KeptAnswer } from './answer-store.js';

// Answers of reads, kept: a GET whose URL, caller and data are those of an answer already made
// gets that answer's bytes again, without its statements, their rows or their serialising
// (what a list costs: docs/design.md). "The same data" is told by the database itself: the
// token's statement reads `pg_current_snapshot()`, which changes whenever a transaction that
// wrote anything ends, on any connection, from any instance or tool. Two requests that read
// the same snapshot therefore see the same rows; the answer's own statements run after the
// token's, so what is kept is never older than the snapshot it is kept under. A change
// answered to a client has committed, so the client's next read finds a new snapshot (reads
// its own writes). The key also holds the mirror clock's second (time-dependent fields), the
// data the request acts on (main or which sandbox) and who calls (the user and the token's
// scopes): an answer is never served to someone who could not have been given it.

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * false on a GET whose answer depends on more than its URL, its caller (user, scopes), the
     * data and the clock, or that changes data: its answer is made afresh every time.
     */
    keepAnswer?: false;
  }
  interface FastifyRequest {
    /** Where its answer is kept, set when the request may keep it and none was kept yet. */
    answerToKeep: { key: string; second: number } | null;
  }
}

/** The headers an answer may carry to be kept: anything else (a cookie, a cache rule, a file name) is the handler's own. */
const PLAIN_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'x-request-id',
  'x-content-type-options',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
]);

/** Each data a request can act on (the main data, each sandbox opened) gets a number of its own, never reused. */
function dataNumbering() {
  const numbers = new WeakMap<Scope, number>();
  let last = 0;
  return (scope: Scope | undefined) => {
    if (!scope) return 0;
    let n = numbers.get(scope);
    if (n === undefined) numbers.set(scope, (n = ++last));
    return n;
  };
}

/** Whether the route's answers may be kept: GETs that need a token (the caller is then known) and do not opt out. */
function keepable(req: FastifyRequest): boolean {
  const { auth, keepAnswer } = req.routeOptions.config;
  return req.method === 'GET' && keepAnswer !== false && typeof auth === 'object';
}

function onlyPlainHeaders(reply: FastifyReply): boolean {
  return Object.keys(reply.getHeaders()).every((name) => PLAIN_HEADERS.has(name));
}

/** The answer as it may be kept: a 200 in JSON with plain headers, made within its key's second; else undefined. */
function keepableAnswer(reply: FastifyReply, payload: unknown, second: number): KeptAnswer | undefined {
  if (reply.statusCode !== 200 || typeof payload !== 'string' || !onlyPlainHeaders(reply)) return undefined;
  const type = reply.getHeader('content-type');
  if (typeof type !== 'string' || !type.startsWith('application/json')) return undefined;
  // An answer whose making crossed into the next second may hold that second's clock, which
  // the key's second has not reached.
  return second === nowSeconds() ? { payload: Buffer.from(payload), type } : undefined;
}

export default fp<{ maxBytes: number }>(
  async function answerCache(app, { maxBytes }) {
    app.decorateRequest('answerToKeep', null);
    if (maxBytes === 0) return;
    const store = new AnswerStore(maxBytes);
    const counted = app.metrics.keptAnswers;
    const dataNumber = dataNumbering();

    const keyOf = (req: FastifyRequest, second: number): string | null => {
      const caller = req.principal;
      if (!caller?.dataSnapshot || !keepable(req)) return null;
      const scopes = Array.from(caller.scopes).join(' ');
      return `${dataNumber(currentScope())}|${caller.dataSnapshot}|${second}|${caller.user.id}|${scopes}|${req.url}`;
    };

    const serve = (reply: FastifyReply, answer: KeptAnswer) => {
      counted.served += 1;
      void reply.code(200).type(answer.type).send(answer.payload);
    };

    // After auth-enforce: a refused caller never reaches this, and a kept answer is sent before
    // validation and the handler (from the hook, so done() is not called: the reply goes on to
    // onSend). A callback hook: an async one costs every request a promise.
    app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const second = nowSeconds();
      const key = keyOf(req, second);
      if (key === null) return done();
      const kept = store.get(key);
      if (kept) return serve(reply, kept);
      const making = store.inMaking(key);
      if (making) {
        // The answer another request makes, on data at least as new: this one's own, if it may be kept.
        making.then((answer) => (answer ? serve(reply, answer) : done()), done);
        return;
      }
      store.begin(key);
      req.answerToKeep = { key, second };
      done();
    });

    app.addHook('onSend', (req: FastifyRequest, reply: FastifyReply, payload: unknown, done) => {
      const keep = req.answerToKeep;
      if (keep !== null) {
        req.answerToKeep = null;
        if (store.finish(keep.key, keepableAnswer(reply, payload, keep.second))) counted.kept += 1;
      }
      done(null, payload);
    });

    // An answer that never reached onSend (the connection went first) still lets the waiting go on.
    app.addHook('onResponse', (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (req.answerToKeep !== null) store.finish(req.answerToKeep.key, undefined);
      req.answerToKeep = null;
      done();
    });
  },
  { name: 'answer-cache', dependencies: ['auth-enforce', 'metrics'] },
);
