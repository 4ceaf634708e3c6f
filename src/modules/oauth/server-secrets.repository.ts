import type { Executor } from '../../db/database.js';

// The server's own secrets, one row per name (mirror_secrets).

export const serverSecretsRepository = {
  valueOf: (db: Executor, name: string) =>
    db.selectFrom('mirror_secrets').select('value').where('name', '=', name).executeTakeFirst(),

  /** The value kept under `name`, which must be there. */
  keptValue: (db: Executor, name: string) =>
    db.selectFrom('mirror_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow(),

  /** Keeps `value` under `name` unless a value is kept there already (another instance made it first). */
  insertUnlessKept: (db: Executor, name: string, value: string) =>
    db
      .insertInto('mirror_secrets')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute(),
};
