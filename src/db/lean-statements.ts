import { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Executor } from './database.js';
import { poolOf } from './lean-pools.js';
import { namedQuery } from './named-statements.js';
import { resolvedDb } from './routed.js';

// One statement straight to the connection pool, for the statements of the hot path: the
// token lookup every authenticated request runs first, and the shaped statements of the hot
// lists (shaped.ts). Through Kysely's executor a statement passes a dozen async steps
// (executor, connection provider, runtime driver, driver, the pool wrapper, the result
// transform), each a promise and its allocations: on a request whose only statement is the
// token's they cost as much again as the rest of the request's own work. The pool's own query
// takes a connection, runs the statement (named, prepared once per connection, as every
// statement is: named-statements.ts) and gives the connection back in one step.
//
// Only a database opened on Postgres has a pool here. A transaction, PGlite (one connection,
// whose transactions Kysely serialises: a statement beside them would land inside one) and
// anything else go through Kysely as before.

/**
 * The rows of one statement (its text and parameters, as Kysely compiled it) on the database
 * `db` stands for now (the scope's, when routed). `R` is the statement's row: the caller names it.
 */
export async function rowsOf<R>(db: Executor, sql: string, parameters: readonly unknown[]): Promise<R[]> {
  const pool = poolOf(resolvedDb(db));
  if (!pool) return (await db.executeQuery<R>(CompiledQuery.raw(sql, [...parameters]))).rows;
  const result = await pool.query<R & pg.QueryResultRow>(namedQuery(sql, parameters));
  return result.rows;
}
