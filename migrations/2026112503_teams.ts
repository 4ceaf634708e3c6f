import { sql, type Kysely } from 'kysely';

// A team's name is unique in its organisation whatever the case: the index is what makes two
// concurrent creations (or renames) with the same name end in one success and one 409.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE UNIQUE INDEX teams_account_name ON teams (account_id, lower(name))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX teams_account_name`.execute(db);
}
