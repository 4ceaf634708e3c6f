import { inspect } from 'node:util';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { Db } from './database.js';

/** Brings the schema to the latest migration; Kysely's lock makes concurrent starts safe. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  if (await upToDate(db)) return [];
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw asError(error);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Undoes every migration, newest first (each one's `down`): an empty schema. */
export async function migrateToNothing(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateTo(NO_MIGRATIONS);
  if (error) throw asError(error);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** What the migrator failed with, as an Error (a migration may throw anything). */
const asError = (thrown: unknown): Error =>
  thrown instanceof Error ? thrown : new Error(typeof thrown === 'string' ? thrown : inspect(thrown));

/**
 * Whether every migration has run, and no other: the usual start, told by two reads. The
 * migrator would create its tables, take its lock and read them all again (a quarter of a
 * second on the embedded database); it runs only when there is something to do.
 */
async function upToDate(db: Db): Promise<boolean> {
  const {
    rows: [table],
  } = await sql<{ t: string | null }>`SELECT to_regclass('kysely_migration')::text AS t`.execute(db);
  if (!table?.t) return false;
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
  // Exactly the known ones: a database migrated by a newer version goes to the migrator, which refuses it.
  const known = Object.keys(migrations);
  return rows.length === known.length && rows.every((r) => known.includes(r.name));
}
