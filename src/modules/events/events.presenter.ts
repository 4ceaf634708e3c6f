import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { EventLanguage, EventsTable } from '../../db/types.js';
import type { Event } from './events.schemas.js';

type EventRow = Selectable<EventsTable>;

/** The event's short code on the status page: derived from its id, so a seed gives the same every run. */
const urlOf = (id: number) => createHash('sha256').update(`ik-mirror event:${id}`).digest('base64url').slice(0, 10);

/** An event as upstream answers it; with a locale, its title and text in that language when it has them. */
export function presentEvent(row: EventRow, locale?: EventLanguage): Event {
  const translated = locale && row.translations.find((t) => t.language === locale);
  return {
    id: row.id,
    url: urlOf(row.id),
    type: row.type,
    status: row.status,
    description: {
      title: translated ? translated.title : row.title,
      description: translated ? translated.body : row.description,
      translations: row.translations,
    },
    comments: row.comments,
    services: row.services,
    started_at: row.started_at,
    ended_at: row.ended_at,
  };
}
