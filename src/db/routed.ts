import type { Db } from './database.js';
import { currentScope } from '../shared/scope.js';

// One database object for the whole app, whose every call goes to the database of the
// current scope: the main one, or the sandbox the request named (scope.ts). Repositories and
// services hold this object from registration on; the routing happens per call, so a
// transaction opened in a sandbox stays on the sandbox's connection throughout.

const TARGET = Symbol('routed database target');

export function routedDb(main: Db): Db {
  const target = () => {
    const scope = currentScope();
    return scope && scope.main === main ? scope.db : main;
  };
  return new Proxy(main, {
    get(_main, prop) {
      const db = target();
      if (prop === TARGET) return db;
      const value = Reflect.get(db, prop, db) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(db) : value;
    },
  });
}

/** The database a routed handle points at right now (for caches kept per database). */
export const resolvedDb = <T extends object>(db: T): T =>
  ((db as Record<symbol, unknown>)[TARGET] as T | undefined) ?? db;
