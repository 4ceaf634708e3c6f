import type { Kysely } from 'kysely';

// A product list shows each tag with the number of products carrying it, and deleting a tag
// removes its links: both find product_tags by tag, which only its (product_id, tag_id) key
// indexed, so each count read every link, or every product, of the database.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('product_tags_tag').on('product_tags').column('tag_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('product_tags_tag').execute();
}
