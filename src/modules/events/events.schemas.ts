import { Type, type Static } from 'typebox';
import { Id, Nullable, StringEnum, TimeFilter, Timestamp } from '../../shared/schemas.js';

// The status page's events, field for field as the official document's Event, EventDescription,
// EventComment, EventTranslation and EventTag.

export const EVENT_TYPES = ['internal', 'public', 'server', 'streaming'] as const;
export const EVENT_STATUSES = ['inprogress', 'planned', 'reviewed', 'terminated'] as const;
export const EVENT_LANGUAGES = ['de', 'en', 'es', 'fr', 'it'] as const;

const Translation = Type.Object(
  { title: Type.String(), body: Type.String(), language: StringEnum(EVENT_LANGUAGES) },
  { $id: 'EventTranslation', title: 'EventTranslation' },
);

const Comment = Type.Object(
  { title: Type.String(), body: Type.String(), started_at: Timestamp, translations: Type.Array(Translation) },
  { $id: 'EventComment', title: 'EventComment' },
);

const Tag = Type.Object(
  { id: Id, name: Type.String({ description: 'A service, e.g. hosting, public_cloud' }) },
  { $id: 'EventTag', title: 'EventTag' },
);

export const EventSchema = Type.Object(
  {
    id: Id,
    url: Type.String({ description: "The event's short code on the status page" }),
    type: Type.String({ description: 'incident, maintenance, enhancement…' }),
    status: Type.String({ description: `One of ${EVENT_STATUSES.join(', ')}` }),
    description: Type.Object(
      { title: Type.String(), description: Type.String(), translations: Type.Array(Translation) },
      { $id: 'EventDescription', title: 'EventDescription' },
    ),
    comments: Type.Array(Comment),
    services: Type.Array(Tag),
    started_at: Timestamp,
    ended_at: Nullable(Timestamp),
  },
  {
    $id: 'Event',
    title: 'Event',
    examples: [
      {
        id: 1,
        url: 'Zk3f9QpL2a',
        type: 'maintenance',
        status: 'terminated',
        description: { title: 'Network maintenance', description: 'Capacity upgrade', translations: [] },
        comments: [],
        services: [{ id: 1, name: 'hosting' }],
        started_at: 1795800000,
        ended_at: 1795807200,
      },
    ],
  },
);
export type Event = Static<typeof EventSchema>;

/** The official document's query parameters of GET /2/events. */
export const EventsQuery = Type.Object({
  date_from: Type.Optional(TimeFilter('Events not ended before this time')),
  date_to: Type.Optional(TimeFilter('Events started by this time')),
  event_type: Type.Optional(StringEnum(EVENT_TYPES)),
  event_types: Type.Optional(Type.Array(StringEnum(EVENT_TYPES), { maxItems: EVENT_TYPES.length })),
  is_cyberattack: Type.Optional(Type.Boolean()),
  locale: Type.Optional(StringEnum(EVENT_LANGUAGES)),
  show_auto: Type.Optional(Type.Boolean({ description: 'Also the events raised automatically (default false)' })),
  status: Type.Optional(StringEnum(EVENT_STATUSES)),
  user_id: Type.Optional(Nullable(Id)),
  with_trashed: Type.Optional(Type.Boolean({ description: 'Also the deleted events (default false)' })),
});
export type EventsQueryInput = Static<typeof EventsQuery>;

export const EventParams = Type.Object({ event_id: Id });
export const EventQuery = Type.Object({ locale: Type.Optional(StringEnum(EVENT_LANGUAGES)) });

export const PublicCloudStatusSchema = Type.Object(
  {
    status: StringEnum(['operational', 'maintenance', 'incident'], {
      description: 'incident while a public_cloud event other than a maintenance is in progress',
    }),
    events: Type.Array(EventSchema, { description: 'The public_cloud events in progress' }),
  },
  { $id: 'PublicCloudStatus', title: 'PublicCloudStatus' },
);

/** An event as the control plane or a fixture writes it (times in Unix seconds). */
export const EventInput = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64, description: 'incident, maintenance, enhancement…' }),
    // No schema default: the change of an event (EventPatch) would get it too.
    event_type: Type.Optional(StringEnum(EVENT_TYPES, { description: 'public unless given' })),
    status: StringEnum(EVENT_STATUSES),
    title: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.String({ maxLength: 10_000 }),
    translations: Type.Optional(Type.Array(Translation, { maxItems: EVENT_LANGUAGES.length })),
    comments: Type.Optional(Type.Array(Comment, { maxItems: 100 })),
    services: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
    is_cyberattack: Type.Optional(Type.Boolean()),
    is_auto: Type.Optional(Type.Boolean({ description: 'Raised automatically: listed only with show_auto' })),
    user_id: Type.Optional(Nullable(Id)),
    started_at: TimeFilter('When it started (or is planned to)'),
    ended_at: Type.Optional(Nullable(TimeFilter('When it ended'))),
  },
  { additionalProperties: false },
);
export type EventInputData = Static<typeof EventInput>;

/** A change of an event: any of its fields, `deleted` to trash it (or bring it back). */
export const EventPatch = Type.Object(
  {
    ...Type.Partial(EventInput).properties,
    deleted: Type.Optional(Type.Boolean({ description: 'true: the event is trashed (listed only with with_trashed)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EventPatchData = Static<typeof EventPatch>;
