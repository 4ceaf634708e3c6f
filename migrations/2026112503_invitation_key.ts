import type { Kysely } from 'kysely';

// The invitation key in clear, next to its SHA-256 (key_hash, still the lookup index).
// Upstream returns `url_accept` on every read of an invitation (GET, PATCH, the per-user list),
// not only at creation, so the link has to be rebuilt later and a hash cannot give it back.
// Anyone who can read it through the API is an administrator of the organisation, who may
// equally cancel the invitation or send a new one; the key grants nothing once the invitation
// is no longer pending, and it expires after 30 days. Nullable: rows created before this
// migration have no recoverable key.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invitations').addColumn('key', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('invitations').dropColumn('key').execute();
}
