import { sql, type Kysely } from 'kysely';

// A phone's reminder is the string "true" or "false", as the official document types it
// (`string`, example "true"; an email's is a boolean). A phone without one was null, which the
// document does not allow: it is "false" now, and nothing else can be stored.

export async function up(db: Kysely<any>): Promise<void> {
  await db.updateTable('user_phones').set({ reminder: 'false' }).where('reminder', 'is', null).execute();
  await sql`ALTER TABLE user_phones
    ALTER COLUMN reminder SET DEFAULT 'false',
    ALTER COLUMN reminder SET NOT NULL,
    ADD CONSTRAINT user_phones_reminder CHECK (reminder IN ('true', 'false'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE user_phones
    DROP CONSTRAINT user_phones_reminder,
    ALTER COLUMN reminder DROP NOT NULL,
    ALTER COLUMN reminder DROP DEFAULT`.execute(db);
}
