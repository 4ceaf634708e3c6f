import type { CompiledQuery, Compilable } from 'kysely';
import type { Executor } from './database.js';
import { rowsOf } from './lean-statements.js';

// Building a statement with Kysely and compiling it to SQL costs more of the server's CPU than
// the round trip itself on a hot read: a members page spent about 150 µs of its 1 ms there, on
// every request, for a text that never changed. A shaped statement is built and compiled once
// per *shape* — whatever changes its text: the filters given, the sort, the page — with
// stand-ins for its *values* (ids, the clock), and each call binds its values into the kept
// statement.
//
// The builder must use a value only as a value of the statement (`where('a.id', '=', v.id)`,
// `${v.now}` in a sql template): a stand-in is an object, so JavaScript that reads it (a test,
// arithmetic) would build another statement than the values ask. Anything the builder reads
// belongs in the shape.

/** What the builder gets in place of a value (or of one element of a list value): bound by name when the statement runs. */
class StandIn {
  constructor(
    readonly name: string,
    readonly index?: number,
  ) {}
}

/**
 * Stand-ins for the `n` elements of a list value (`where('id', 'in', standInsFor(v.ids, n))`):
 * a list is as many parameters as it has elements, so its length belongs to the shape.
 */
export function standInsFor<T>(list: readonly T[], n: number): T[] {
  const standIn: unknown = list;
  if (!(standIn instanceof StandIn)) return [...list];
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- each element stands for the element of the list it is bound to
  return Array.from({ length: n }, (_, i) => new StandIn(standIn.name, i) as T);
}

/** The value a stand-in is bound to. */
function valueOf(standIn: StandIn, values: object): unknown {
  const value: unknown = Reflect.get(values, standIn.name);
  return standIn.index === undefined ? value : Array.isArray(value) ? value[standIn.index] : undefined;
}

/** Values whose every property is a stand-in named after it. */
function standIns<V extends object>(): V {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- each property read gives the stand-in the kept statement binds that property's value to; the builder treats it as the value it stands for
  return new Proxy({}, { get: (_target, name) => new StandIn(String(name)) }) as V;
}

/** The compiled statement with these values in place of its stand-ins. */
function bound<R>(compiled: CompiledQuery<R>, values: object): CompiledQuery<R> {
  const parameters = compiled.parameters.map((p): unknown => (p instanceof StandIn ? valueOf(p, values) : p));
  return { ...compiled, parameters };
}

/** How many shapes each statement keeps: a shape can hold a search text, so they are not counted on. */
const MAX_SHAPES = 100;

/** Compiled statements by shape, the least recently used dropped past the bound. */
class Shapes<T> {
  private readonly kept = new Map<string, T>();

  get(key: string, make: () => T): T {
    const found = this.kept.get(key);
    if (found !== undefined) {
      this.kept.delete(key);
      this.kept.set(key, found);
      return found;
    }
    const made = make();
    this.kept.set(key, made);
    if (this.kept.size > MAX_SHAPES) this.kept.delete(this.kept.keys().next().value ?? key);
    return made;
  }
}

/** The compiled statements one build makes, each run with the call's values. */
export type Runners<C> = { [K in keyof C]: C[K] extends Compilable<infer R> ? () => Promise<R[]> : never };

/** The compiled statements of a build, by the names the build gives them. */
type CompiledOf<C> = { [K in keyof C]: CompiledQuery<unknown> };

/**
 * Statements built by `build` once per shape and run with each call's values. `build` may
 * return several statements (a page's rows and its count): each is compiled when the shape is
 * first seen, and run only when the caller calls its runner. `.bound` gives them bound to the
 * values without running them (to send them in one message: one-message.ts).
 */
export function shaped<
  V extends object,
  S,
  C extends Record<string, Compilable<unknown>>,
  E extends Executor = Executor,
>(build: (db: E, values: V, shape: S) => C) {
  const shapes = new Shapes<CompiledOf<C>>();
  const compiledFor = (db: E, shape: S) =>
    shapes.get(JSON.stringify(shape) ?? '', () => {
      const statements = build(db, standIns<V>(), shape);
      const entries = Object.entries(statements).map(([name, q]) => [name, q.compile()]);
      // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the same keys as the statements, each compiled
      return Object.fromEntries(entries) as CompiledOf<C>;
    });
  const boundTo = (db: E, values: V, shape: S): CompiledOf<C> => {
    const entries = Object.entries(compiledFor(db, shape)).map(([name, q]) => [name, bound(q, values)]);
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the same keys, each statement bound
    return Object.fromEntries(entries) as CompiledOf<C>;
  };
  const run = (db: E, values: V, shape: S): Runners<C> => {
    const runners = Object.entries(boundTo(db, values, shape)).map(([name, q]) => [
      name,
      // Straight to the pool outside a transaction (lean-statements.ts): these are the hot reads.
      () => rowsOf(db, q.sql, q.parameters),
    ]);
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a runner per statement, each giving the rows its statement's builder types
    return Object.fromEntries(runners) as Runners<C>;
  };
  return Object.assign(run, { bound: boundTo });
}
