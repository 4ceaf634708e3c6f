import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import { pageOf, sortFields, type SortColumns } from '../../db/paged.js';
import type { ListParams } from '../../shared/pagination.js';

export interface Notification {
  recipient: string;
  kind: string;
  subject: string;
  body: string;
  user_id?: number | null;
  account_id?: number | null;
}

export interface OutboxFilters {
  /** An e-mail address, compared case-insensitively. */
  recipient?: string;
  kind?: string;
  account_id?: number;
  user_id?: number;
}

const OUTBOX_SORT = { id: sql`id`, created_at: sql`created_at` } satisfies SortColumns<string>;
export const OUTBOX_SORTABLE = sortFields(OUTBOX_SORT);
export type OutboxSortField = keyof typeof OUTBOX_SORT;

function filtered(db: Executor, f: OutboxFilters) {
  let q = db.selectFrom('notifications_outbox');
  const { recipient } = f;
  if (recipient !== undefined) q = q.where((eb) => eb(eb.fn('lower', ['recipient']), '=', recipient.toLowerCase()));
  if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
  if (f.account_id !== undefined) q = q.where('account_id', '=', f.account_id);
  if (f.user_id !== undefined) q = q.where('user_id', '=', f.user_id);
  return q;
}

export function outbox(db: Executor) {
  return {
    /**
     * Queues an email-like notification. Nothing is sent anywhere: the outbox is what a mail
     * worker would read. Written in the caller's transaction, so it exists only if the change does.
     */
    notify(n: Notification) {
      return db
        .insertInto('notifications_outbox')
        .values({ user_id: null, account_id: null, ...n })
        .execute();
    },
    /** The notifications queued, in the order asked for, the newest first among equals. */
    list(f: OutboxFilters, p: ListParams<OutboxSortField>) {
      const count = filtered(db, f).select((eb) => eb.fn.countAll<number>().as('total'));
      const rows = filtered(db, f).select([
        'id',
        'recipient',
        'user_id',
        'account_id',
        'kind',
        'subject',
        'body',
        'created_at',
      ]);
      return pageOf(count, rows, p, OUTBOX_SORT, sql`id DESC`);
    },
  };
}
