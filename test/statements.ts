import type pg from 'pg';
import type { App } from '../src/app.js';
import { poolOf } from '../src/db/lean-pools.js';

/**
 * Calls `seen` with the text of every statement the app sends to its main database until the
 * test ends: those Kysely executes (its one executor) and those that go straight to the pool
 * (src/db/lean-statements.ts, on Postgres).
 */
export function watchStatements(t: { teardown(fn: () => unknown): void }, app: App, seen: (sql: string) => void): void {
  const executor = app.db.getExecutor();
  const execute = executor.executeQuery.bind(executor);
  (executor as { executeQuery: typeof execute }).executeQuery = (q, ...rest) => {
    seen(q.sql);
    return execute(q, ...rest);
  };
  t.teardown(() => {
    (executor as { executeQuery: typeof execute }).executeQuery = execute;
  });
  const pool = poolOf(app.database.db);
  if (!pool) return;
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>;
  (pool as { query: unknown }).query = (config: pg.QueryConfig) => {
    seen(config.text);
    return query(config);
  };
  t.teardown(() => {
    (pool as { query: unknown }).query = query;
  });
}
