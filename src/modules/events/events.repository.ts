import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { EventsTable } from '../../db/types.js';
import type { EventsQueryInput } from './events.schemas.js';

// jsonb is written as a typed literal so that pg and PGlite store it alike.
const jsonb = (v: unknown) => sql<string>`${JSON.stringify(v)}::jsonb`;

/** The columns an event is written with; the JSON arrays as values, written as jsonb. */
export interface EventRowInput {
  type: string;
  event_type: EventsTable['event_type'];
  status: EventsTable['status'];
  title: string;
  description: string;
  translations: unknown[];
  comments: unknown[];
  services: { id: number; name: string }[];
  is_cyberattack: boolean;
  is_auto: boolean;
  user_id: number | null;
  started_at: number;
  ended_at: number | null;
}

/** The row's columns, its JSON arrays (those given) as jsonb. */
function columnsOf<T extends Partial<EventRowInput>>(e: T) {
  const { translations, comments, services, ...plain } = e;
  return {
    ...plain,
    ...(translations !== undefined ? { translations: jsonb(translations) } : {}),
    ...(comments !== undefined ? { comments: jsonb(comments) } : {}),
    ...(services !== undefined ? { services: jsonb(services) } : {}),
  };
}

export function eventsRepository(db: Executor) {
  const columns = db.selectFrom('events').selectAll();
  return {
    /** The events the filters let through, the latest started first. */
    list(q: EventsQueryInput) {
      let rows = columns;
      if (!q.with_trashed) rows = rows.where('deleted_at', 'is', null);
      if (!q.show_auto) rows = rows.where('is_auto', '=', false);
      if (q.status) rows = rows.where('status', '=', q.status);
      if (q.is_cyberattack !== undefined) rows = rows.where('is_cyberattack', '=', q.is_cyberattack);
      const types = [...(q.event_type ? [q.event_type] : []), ...(q.event_types ?? [])];
      if (types.length) rows = rows.where('event_type', 'in', types);
      if (q.date_to !== undefined) rows = rows.where('started_at', '<=', q.date_to);
      const from = q.date_from;
      if (from !== undefined)
        rows = rows.where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', from)]));
      // An event of one user (a server of theirs) is listed only when that user is asked for.
      const userId = q.user_id ?? null;
      rows = rows.where((eb) =>
        userId === null ? eb('user_id', 'is', null) : eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]),
      );
      return rows.orderBy('started_at', 'desc').orderBy('id', 'desc').execute();
    },

    /** One event; a trashed one only when asked for. */
    find(id: number, { withTrashed = false } = {}) {
      const row = columns.where('id', '=', id);
      return (withTrashed ? row : row.where('deleted_at', 'is', null)).executeTakeFirst();
    },

    /** The events in progress that concern one service. */
    inProgressFor(service: string) {
      return columns
        .where('deleted_at', 'is', null)
        .where('status', '=', 'inprogress')
        .where(sql<boolean>`services @> ${jsonb([{ name: service }])}`)
        .orderBy('started_at', 'desc')
        .execute();
    },

    async userExists(userId: number) {
      return !!(await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst());
    },

    insert(e: EventRowInput) {
      return db.insertInto('events').values(columnsOf(e)).returningAll().executeTakeFirstOrThrow();
    },

    update(id: number, e: Partial<EventRowInput> & { deleted_at?: number | null }) {
      return db.updateTable('events').set(columnsOf(e)).where('id', '=', id).returningAll().executeTakeFirst();
    },
  };
}
