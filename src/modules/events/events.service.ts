import type { Db } from '../../db/database.js';
import { invalidField, notFound } from '../../shared/errors.js';
import { nowSeconds } from '../../shared/time.js';
import { serviceByName } from '../products/index.js';
import { presentEvent } from './events.presenter.js';
import { eventsRepository, type EventRowInput } from './events.repository.js';
import type { Event, EventInputData, EventPatchData, EventsQueryInput } from './events.schemas.js';

/** The service the public cloud status reads. */
const PUBLIC_CLOUD = 'public_cloud';

/** Services named by the catalogue's names, as the events' tags (id and name); an unknown one is a 422. */
function servicesOf(names: string[]) {
  return names.map((name, i) => {
    const service = serviceByName(name);
    if (!service) throw invalidField(`services.${i}`, 'in', `Unknown service ${name}`);
    return { id: service.id, name: service.name };
  });
}

function checkTimes(started: number, ended: number | null) {
  if (ended !== null && ended < started)
    throw invalidField('ended_at', 'gte', 'An event ends after it starts', [started]);
}

/** The columns of a new event from the control plane's (or a fixture's) input. */
export function eventRow(e: EventInputData): EventRowInput {
  checkTimes(e.started_at, e.ended_at ?? null);
  return {
    type: e.type,
    event_type: e.event_type ?? 'public',
    status: e.status,
    title: e.title,
    description: e.description,
    translations: e.translations ?? [],
    comments: e.comments ?? [],
    services: servicesOf(e.services ?? []),
    is_cyberattack: e.is_cyberattack ?? false,
    is_auto: e.is_auto ?? false,
    user_id: e.user_id ?? null,
    started_at: e.started_at,
    ended_at: e.ended_at ?? null,
  };
}

export function eventsService(db: Db) {
  const repo = eventsRepository(db);
  /** An event of one user names one who exists. */
  const checkUser = async (userId: number | null | undefined) => {
    if (userId != null && !(await repo.userExists(userId)))
      throw invalidField('user_id', 'exists', `No user ${userId}`);
  };
  return {
    async list(q: EventsQueryInput): Promise<Event[]> {
      return (await repo.list(q)).map((row) => presentEvent(row, q.locale));
    },

    async get(id: number, locale?: EventsQueryInput['locale']): Promise<Event> {
      const row = await repo.find(id);
      if (!row) throw notFound('Event');
      return presentEvent(row, locale);
    },

    /** The public cloud's state, from its events in progress. */
    async publicCloudStatus() {
      const events = (await repo.inProgressFor(PUBLIC_CLOUD)).map((row) => presentEvent(row));
      const incident = events.some((e) => e.type !== 'maintenance');
      const status = incident ? 'incident' : events.length ? 'maintenance' : 'operational';
      return { status, events } as const;
    },

    async create(e: EventInputData): Promise<Event> {
      await checkUser(e.user_id);
      return presentEvent(await repo.insert(eventRow(e)));
    },

    /** The control plane's change of an event: any field, or trashing it. */
    async update(id: number, patch: EventPatchData): Promise<Event> {
      const { deleted, services, ...fields } = patch;
      const current = await repo.find(id, { withTrashed: true });
      if (!current) throw notFound('Event');
      await checkUser(fields.user_id);
      checkTimes(
        fields.started_at ?? current.started_at,
        fields.ended_at === undefined ? current.ended_at : fields.ended_at,
      );
      const row = await repo.update(id, {
        ...fields,
        ...(services !== undefined ? { services: servicesOf(services) } : {}),
        ...(deleted !== undefined ? { deleted_at: deleted ? (current.deleted_at ?? nowSeconds()) : null } : {}),
      });
      if (!row) throw notFound('Event');
      return presentEvent(row);
    },
  };
}
