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
      const value: unknown = Reflect.get(db, prop, db);
      if (typeof value !== 'function') return value;
      const method: unknown = value.bind(db); // called on the database it was read from
      return method;
    },
  });
}

/** The database a routed handle points at right now (for caches kept per database). */
export function resolvedDb<T extends object>(db: T): T {
  const target: unknown = Reflect.get(db, TARGET);
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- only the routed proxy answers TARGET, with the database it stands for: a T like itself
  return (target as T | undefined) ?? db;
}
