import type { Executor } from '../../db/database.js';

// The SQL of application passwords. A deleted password keeps its row (deleted_at set) and is
// seen by nothing here again.

const COLUMNS = ['id', 'name', 'last_used_at', 'created_at'] as const;

export function appPasswordsRepository(db: Executor) {
  const live = (userId: number) =>
    db.selectFrom('app_passwords').where('user_id', '=', userId).where('deleted_at', 'is', null);
  return {
    list: (userId: number) =>
      live(userId)
        .select([...COLUMNS])
        .orderBy('id')
        .execute(),

    find: (userId: number, id: number) =>
      live(userId)
        .select([...COLUMNS])
        .where('id', '=', id)
        .executeTakeFirst(),

    insert: (row: { user_id: number; name: string; password_hash: string }) =>
      db
        .insertInto('app_passwords')
        .values(row)
        .returning([...COLUMNS])
        .executeTakeFirstOrThrow(),

    /** Whether a live password of the user was deleted. */
    async softDelete(userId: number, id: number, at: number): Promise<boolean> {
      const r = await db
        .updateTable('app_passwords')
        .set({ deleted_at: at })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
