import type pg from 'pg';

// The pool of each database opened on Postgres, by its Kysely instance: what lean-statements.ts
// sends a statement to. A module of its own so that opening a database (database.ts) does not
// depend on what runs statements on it.

const pools = new WeakMap<object, pg.Pool>();

/** Lets statements on `db` (a database just opened on `pool`) take the pool directly. */
export function runLeanOn(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}

/** The pool `db` was opened on; undefined for a transaction, the embedded database and anything else. */
export const poolOf = (db: object): pg.Pool | undefined => pools.get(db);
