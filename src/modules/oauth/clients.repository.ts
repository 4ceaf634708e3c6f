import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { pageOf, sortFields, type SortColumns } from '../../db/paged.js';
import type { ListParams } from '../../shared/pagination.js';

const COLUMNS = [
  'id',
  'client_id',
  'user_id',
  'name',
  'type',
  'redirect_uris',
  'secret_hash',
  'created_at',
  'updated_at',
] as const;
const CLIENT_SORT = { created_at: sql`created_at`, name: sql`name` } satisfies SortColumns<string>;
export const CLIENT_SORTABLE = sortFields(CLIENT_SORT);

export type ClientRow = NonNullable<Awaited<ReturnType<ReturnType<typeof clientReads>['byClientId']>>>;

function clientReads(db: Executor) {
  return {
    /** A live client by its public id, whoever owns it. */
    byClientId: (clientId: string) =>
      db
        .selectFrom('oauth_clients')
        .select([...COLUMNS])
        .where('client_id', '=', clientId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst(),

    byId: (id: number) =>
      db
        .selectFrom('oauth_clients')
        .select([...COLUMNS])
        .where('id', '=', id)
        .executeTakeFirst(),

    /** The user's live clients, a page of them. */
    list(userId: number, p: ListParams<keyof typeof CLIENT_SORT>) {
      const base = db.selectFrom('oauth_clients').where('user_id', '=', userId).where('deleted_at', 'is', null);
      return pageOf(
        base.select((eb) => eb.fn.countAll<number>().as('total')),
        base.select([...COLUMNS]),
        p,
        CLIENT_SORT,
        sql`id`,
      );
    },
  };
}

interface NewClient {
  client_id: string;
  user_id: number;
  name: string;
  type: 'public' | 'confidential';
  redirect_uris: string[];
  secret_hash: string | null;
  updated_at: number;
}

function clientWrites(db: Executor) {
  return {
    insert: (row: NewClient) =>
      db
        .insertInto('oauth_clients')
        .values(row)
        .returning([...COLUMNS])
        .executeTakeFirstOrThrow(),

    update: (id: number, changes: { name?: string; redirect_uris?: string[]; updated_at: number }) =>
      db
        .updateTable('oauth_clients')
        .set(changes)
        .where('id', '=', id)
        .returning([...COLUMNS])
        .executeTakeFirstOrThrow(),

    /** Soft-deletes the client and revokes every token it holds. */
    async remove(id: number, at: number) {
      await db.updateTable('oauth_clients').set({ deleted_at: at }).where('id', '=', id).execute();
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('client_id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      await db
        .updateTable('oauth_refresh_tokens')
        .set({ revoked_at: at })
        .where('client_id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    },
  };
}

export const clientsRepository = (db: Executor) => ({ ...clientReads(db), ...clientWrites(db) });
