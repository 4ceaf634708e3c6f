import { Type } from 'typebox';
import { ListQuery } from '../../shared/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';
import { WithQuery } from '../../shared/with.js';
import { PermissionSchema } from '../products/index.js';

export const ROLE_TYPES = ['owner', 'admin', 'normal'] as const;
export const RoleTypeSchema = StringEnum(ROLE_TYPES);

/** Relations `with` accepts, as upstream lists them. */
export const MEMBER_RELATIONS = [
  'teams',
  'permissions',
  'preferences',
  'security',
  'pending_invitations',
  'invitation_details',
  'service_permissions',
  'app_access',
  'drive_infos',
  'kchat_infos',
] as const;
export type MemberRelation = (typeof MEMBER_RELATIONS)[number];

export const MemberTeamSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    color_id: Type.Integer(),
    owned_by_id: Nullable(Id),
    created_by_id: Nullable(Id),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'AccountUserTeam', title: 'AccountUserTeam' },
);

/** A right on one product of the organisation. */
export const MemberProductRightSchema = Type.Object(
  {
    product_id: Id,
    service_id: Id,
    service_name: Type.String(),
    technical: Type.Boolean(),
    statistic: Type.Boolean(),
    check: Type.Boolean(),
    sale: Type.Boolean(),
  },
  { $id: 'AccountUserProductRight', title: 'AccountUserProductRight' },
);

const PreferencesSchema = Type.Object({ mailing: Type.Boolean(), billing_mailing: Type.Boolean() });
const SecuritySchema = Type.Object({ otp: Type.Boolean(), double_auth: Type.Boolean() });
const InvitationDetailsSchema = Type.Object({
  id: Id,
  status: Type.String(),
  strict: Type.Boolean(),
  silent: Type.Boolean(),
  locale: Type.String(),
  invited_by_id: Nullable(Id),
  sent_at: Timestamp,
  created_at: Timestamp,
  expired_at: Timestamp,
});
const PendingInvitationSchema = Type.Object({
  id: Id,
  role_type: RoleTypeSchema,
  sent_at: Timestamp,
  expired_at: Timestamp,
});
// Other products' accesses (kDrive, kChat, mail) are not mirrored: accepted, always empty.
const Empty = Type.Array(Type.Object({}));

export const AccountUserSchema = Type.Object(
  {
    user_id: Nullable(Id),
    invitation_id: Nullable(Id),
    first_name: Type.String(),
    last_name: Type.String(),
    display_name: Type.String(),
    email: Type.String(),
    avatar: Nullable(Type.String()),
    role_type: RoleTypeSchema,
    state_in_account: StringEnum(['valid', 'pending']),
    is_correspondent: Type.Boolean({ description: "Receives the organisation's product mailings" }),
    is_correspondent_billing: Type.Boolean({ description: 'Receives the billing mailings' }),
    is_workspace_only: Type.Boolean(),
    has_no_manager_access: Type.Boolean(),
    has_billing_access: Type.Boolean(),
    is_sso: Type.Boolean(),
    language_id: Nullable(Id),
    unique_key: Type.String({ description: '`u<user_id>` for a member, `i<invitation_id>` for a pending invitee' }),
    last_login_at: Nullable(Timestamp),
    partnership_id: Nullable(Id),
    teams: Type.Optional(Type.Array(MemberTeamSchema, { description: 'with=teams' })),
    permissions: Type.Optional(Type.Array(MemberProductRightSchema, { description: 'with=permissions' })),
    preferences: Type.Optional(PreferencesSchema),
    security: Type.Optional(Nullable(SecuritySchema)),
    pending_invitations: Type.Optional(Type.Array(PendingInvitationSchema)),
    invitation_details: Type.Optional(Nullable(InvitationDetailsSchema)),
    service_permissions: Type.Optional(Empty),
    app_access: Type.Optional(Empty),
    drive_infos: Type.Optional(Empty),
    kchat_infos: Type.Optional(Nullable(Type.Object({}))),
  },
  { $id: 'Userorpendinguser', title: 'AccountUser' },
);

/** Query booleans as upstream's clients write them, also inside `filter[...]`. */
const BoolText = StringEnum(['0', '1', 'true', 'false']);
const IdList = Type.Array(Id, { maxItems: 1000 });

const FilterFields = {
  role_type: Type.Optional(RoleTypeSchema),
  state_in_account: Type.Optional(StringEnum(['valid', 'pending'])),
  search: Type.Optional(Type.String({ maxLength: 255 })),
  team_ids: Type.Optional(IdList),
  user_ids: Type.Optional(IdList),
  has_billing_access: Type.Optional(BoolText),
};

export const ListUsersQuery = Type.Object({
  ...ListQuery,
  with: WithQuery,
  ...FilterFields,
  filter: Type.Optional(Type.Object(FilterFields, { additionalProperties: false })),
});

export const AccountParams = Type.Object({ account: Id });
export const UserParams = Type.Object({ account: Id, user: Id });
export const GetUserQuery = Type.Object({ with: WithQuery });

export const PatchUserBody = Type.Object(
  {
    role_type: Type.Optional(RoleTypeSchema),
    has_billing_access: Type.Optional(Type.Boolean()),
    has_mailing: Type.Optional(Type.Boolean()),
    has_billing_mailing: Type.Optional(Type.Boolean()),
    permissions: Type.Optional(
      Type.Array(PermissionSchema, {
        maxItems: 500,
        description: "Replaces the user's product rights in this organisation",
      }),
    ),
    team_ids: Type.Optional(
      Type.Array(Id, {
        maxItems: 1000,
        uniqueItems: true,
        description: "Replaces the user's teams in this organisation",
      }),
    ),
  },
  { additionalProperties: false },
);

export const RemoveUsersBody = Type.Object(
  { user_ids: Type.Array(Id, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);

export const LegalResponsibleBody = Type.Object(
  {
    user_id: Id,
    previous_role: StringEnum(['admin', 'normal'], { description: 'The role the current legal responsible keeps' }),
  },
  { additionalProperties: false },
);
