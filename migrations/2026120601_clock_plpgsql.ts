import { sql, type Kysely } from 'kysely';

// mirror_now() is the default of every stamped column. As a SQL function whose body holds a
// subquery it cannot be inlined, so Postgres planned its body again in every statement that
// stamped a row: paying an invoice planned it about ten times, more of Postgres's time than
// the inserts themselves. A PL/pgSQL function keeps its plan for the session. Same value.

const BODY = `floor(EXTRACT(epoch FROM now()))::bigint + COALESCE((SELECT offset_seconds FROM mirror_clock WHERE id), 0)`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION mirror_now() RETURNS bigint LANGUAGE plpgsql STABLE AS $$
    BEGIN RETURN ${sql.raw(BODY)}; END
  $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION mirror_now() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT ${sql.raw(BODY)}
  $$`.execute(db);
}
