import { Type, type Static } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';
import { UserSummarySchema } from '../../shared/user-summary.js';
import { WithQuery } from '../../shared/with.js';
import { PRODUCT_RIGHTS } from '../products/index.js';

/** Team colours are indexes in the Manager's palette of 16. */
export const MAX_COLOR_ID = 15;
export const TEAM_RELATIONS = [
  'created_by',
  'owned_by',
  'permissions',
  'user_count',
  'product_count',
  'product_by_service_count',
  'users',
] as const;
export type TeamRelation = (typeof TEAM_RELATIONS)[number];

export const AccountParams = Type.Object({ account: Id });
export const TeamParams = Type.Object({ account: Id, team: Id });

export const TeamPermissionSchema = Type.Object(
  { service_id: Id, service_name: Type.String(), rights: StringEnum(PRODUCT_RIGHTS) },
  { $id: 'Servicepermissions', title: 'TeamPermission' },
);

export const TeamSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    color_id: Type.Integer({ minimum: 0, maximum: MAX_COLOR_ID }),
    owned_by_id: Nullable(Id),
    created_by_id: Nullable(Id),
    created_at: Timestamp,
    updated_at: Timestamp,
    created_by: Nullable(UserSummarySchema),
    owned_by: Nullable(UserSummarySchema),
    user_count: Type.Integer({ description: 'Members of the organisation in the team' }),
    product_count: Type.Integer({ description: "Distinct products of the organisation the team's permissions cover" }),
    product_by_service_count: Type.Integer({ description: 'Distinct services the team holds a permission on' }),
    is_sso: Type.Boolean(),
    permissions: Type.Array(TeamPermissionSchema),
    users: Type.Optional(Type.Array(UserSummarySchema, { description: 'With `with=users` only' })),
  },
  { $id: 'Team', title: 'Team' },
);

export const TeamBriefSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    color_id: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
    user_count: Type.Integer(),
  },
  { $id: 'TeamBrief', title: 'TeamBrief' },
);

export const TeamUserSchema = Type.Object(
  {
    id: Id,
    display_name: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    email: Type.String(),
    is_sso: Type.Boolean(),
    last_login_at: Nullable(Timestamp),
    teams: Type.Array(TeamBriefSchema, { description: "The user's teams in this organisation" }),
  },
  { $id: 'TeamUser', title: 'TeamUser' },
);

const IdList = Type.Array(Id, { maxItems: 1000 });
const FILTERS = {
  team_ids: Type.Optional(IdList),
  user_ids: Type.Optional(IdList),
  owned_by_ids: Type.Optional(IdList),
  created_by_ids: Type.Optional(IdList),
};
export type TeamFilters = { [K in keyof typeof FILTERS]?: number[] };

const Search = Type.Optional(Type.String({ maxLength: 255 }));

export const TeamsQuery = Type.Object({
  with: WithQuery,
  search: Search,
  filter: Type.Optional(Type.Object(FILTERS, { additionalProperties: false })),
  ...FILTERS,
  ...ListQuery,
});

export const TeamQuery = Type.Object({ with: WithQuery });

export const TeamUsersQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 255, description: 'The name or the email of a user' })),
  ...ListQuery,
});

// Upstream's body lists the services as bare ids; an entry may also be {service_id, rights}.
// One schema whose keywords apply by type (minimum to the number, properties to the object)
// rather than a union, so a bad entry is reported once, at the field that is wrong.
const Rights = StringEnum(PRODUCT_RIGHTS);
type ServiceEntryValue = number | { service_id: number; rights: Static<typeof Rights> | Static<typeof Rights>[] };
const ServiceEntry = Type.Unsafe<ServiceEntryValue>({
  type: ['integer', 'object'],
  minimum: 1,
  maximum: 2147483647,
  properties: {
    service_id: Id,
    rights: { anyOf: [Rights, Type.Array(Rights, { minItems: 1, uniqueItems: true })] },
  },
  required: ['service_id', 'rights'],
  additionalProperties: false,
  description:
    'A service id (the team gets the `technical` right on its products), or {service_id, rights: one right or several}',
});

const TeamFields = {
  name: Type.String({ minLength: 1, maxLength: 128, description: 'Unique in the organisation, whatever the case' }),
  owned_by_id: Id,
  color_id: Type.Integer({ minimum: 0, maximum: MAX_COLOR_ID }),
  permissions: Type.Object(
    { services: Type.Array(ServiceEntry, { maxItems: 100 }) },
    {
      additionalProperties: false,
      description: "The team's rights on every product of each service; replaces the previous set",
    },
  ),
};

export const CreateTeamBody = Type.Object(
  {
    name: TeamFields.name,
    owned_by_id: Type.Optional(TeamFields.owned_by_id),
    color_id: Type.Optional(TeamFields.color_id),
    permissions: Type.Optional(TeamFields.permissions),
  },
  { additionalProperties: false },
);

export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(TeamFields.name),
    owned_by_id: Type.Optional(TeamFields.owned_by_id),
    color_id: Type.Optional(TeamFields.color_id),
    permissions: Type.Optional(TeamFields.permissions),
  },
  { additionalProperties: false },
);

const TeamUserIds = Type.Array(Id, { minItems: 1, maxItems: 1000 });

export const TeamUserIdsBody = Type.Object({ user_ids: TeamUserIds }, { additionalProperties: false });

/** Removing users: clients send `DELETE` with `user_ids[]=` in the query and no body, or a JSON body. */
export const TeamUserRemovalBody = Type.Object(
  { user_ids: Type.Optional(TeamUserIds) },
  { additionalProperties: false },
);
export const TeamUserRemovalQuery = Type.Object({ user_ids: Type.Optional(TeamUserIds) });

export type CreateTeamInput = Static<typeof CreateTeamBody>;
export type UpdateTeamInput = Static<typeof UpdateTeamBody>;
export type TeamsQueryInput = Static<typeof TeamsQuery>;
export type TeamUsersQueryInput = Static<typeof TeamUsersQuery>;
export type ServiceEntryInput = Static<typeof ServiceEntry>;
