import type { Executor } from '../../db/database.js';

// The server's own secrets, one row per name (mirror_secrets).

export function serverSecretsRepository(db: Executor) {
  return {
    valueOf: (name: string) =>
      db.selectFrom('mirror_secrets').select('value').where('name', '=', name).executeTakeFirst(),

    /** The value kept under `name`, which must be there. */
    keptValue: (name: string) =>
      db.selectFrom('mirror_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow(),

    /** Keeps `value` under `name` unless a value is kept there already (another instance made it first). */
    insertUnlessKept: (name: string, value: string) =>
      db
        .insertInto('mirror_secrets')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute(),
  };
}
