import { sql, type Kysely } from 'kysely';

// mirror_now() rounded the epoch (::bigint rounds) while the application's clock floors it, so
// a row stamped by the database could be up to a second ahead of the time the application read
// in the same instant. Both floor now.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION mirror_now() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT floor(EXTRACT(epoch FROM now()))::bigint + COALESCE((SELECT offset_seconds FROM mirror_clock WHERE id), 0)
  $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION mirror_now() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT (EXTRACT(epoch FROM now()))::bigint + COALESCE((SELECT offset_seconds FROM mirror_clock WHERE id), 0)
  $$`.execute(db);
}
