import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from '../db/database.js';

// Which data a piece of work acts on: the main database, or one sandbox's (X-Mirror-Sandbox).
// The scope travels with the async context of the request (or of a background run started
// for a sandbox), so repositories keep taking `app.db` and never name the sandbox: the
// database handle routes each call to the scope's database (routed.ts), and the clock reads
// the scope's offset (time.ts).

export interface Scope {
  /** The sandbox's name. */
  sandbox: string;
  /** The main database this sandbox belongs to: a scope of one app never leaks into another's. */
  main: Db;
  /** The sandbox's own database. */
  db: Db;
  /** The sandbox's own clock offset, in seconds. */
  clock: { offset: number };
}

const storage = new AsyncLocalStorage<Scope>();

/** The sandbox the current work runs in; undefined on the main data. */
export const currentScope = (): Scope | undefined => storage.getStore();

/** The current sandbox's name, or null on the main data. */
export const currentSandbox = (): string | null => storage.getStore()?.sandbox ?? null;

/** Runs `fn` (and everything it starts) in the scope; undefined runs it on the main data. */
export function runInScope<T>(scope: Scope | undefined, fn: () => T): T {
  return scope ? storage.run(scope, fn) : storage.exit(fn);
}
