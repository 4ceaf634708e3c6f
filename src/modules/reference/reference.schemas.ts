import { Type } from 'typebox';
import { Id, Nullable, Timestamp, StringEnum } from '../../shared/schemas.js';
import { ListQuery } from '../../shared/pagination.js';

export const LanguageSchema = Type.Object(
  { id: Id, name: Type.String(), short_name: Type.String(), locale: Type.String(), short_locale: Type.String() },
  { $id: 'Language', title: 'Language' },
);
export const CountrySchema = Type.Object(
  { id: Id, name: Type.String(), short_name: Type.String(), is_enabled: Type.Boolean() },
  { $id: 'Country', title: 'Country' },
);
export const TimezoneSchema = Type.Object(
  { id: Id, name: Type.String(), gmt: Type.String() },
  { $id: 'Timezone', title: 'Timezone' },
);
export const ActionSchema = Type.Object(
  { id: Id, code: Type.String(), description: Type.String() },
  { $id: 'Actiontype', title: 'Action' },
);

export const TaskSchema = Type.Object(
  {
    uuid: Type.String({ format: 'uuid' }),
    status: StringEnum(['spooled', 'running', 'executed', 'failed']),
    created_at: Timestamp,
    updated_at: Timestamp,
    executed_at: Nullable(Timestamp),
    finished_at: Nullable(Timestamp),
    response: Nullable(
      Type.Object({}, { additionalProperties: true, description: 'The envelope of the finished operation' }),
    ),
    error: Nullable(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'AsyncTask', title: 'Task' },
);

export const PingSchema = Type.Literal('pong');

export const PlainListQuery = Type.Object(ListQuery);
export const SearchListQuery = Type.Object({ ...ListQuery, search: Type.Optional(Type.String({ maxLength: 255 })) });
export const CountriesQuery = Type.Object({
  ...ListQuery,
  search: Type.Optional(Type.String({ maxLength: 255 })),
  only_enabled: Type.Optional(Type.Boolean()),
  only_enabled_exception: Type.Optional(Type.Array(Id)),
});

export const LanguageParams = Type.Object({ language_id: Id });
export const CountryParams = Type.Object({ country_id: Id });
export const TimezoneParams = Type.Object({ timezone_id: Id });
export const ActionParams = Type.Object({ action_id: Id });
export const TaskParams = Type.Object({ task_uuid: Type.String({ format: 'uuid' }) });
