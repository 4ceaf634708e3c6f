import { Type, type Static } from 'typebox';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../shared/password-policy.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../shared/schemas.js';
import { WithQuery } from '../../shared/with.js';
import { PermissionSchema } from '../products/index.js';
import { LOCALES } from '../reference/index.js';
import { CreatedTokenSchema } from '../tokens/index.js';

export const ROLE_TYPES = ['admin', 'normal', 'owner'] as const;
export const STATUSES = ['accepted', 'cancelled', 'pending', 'rejected'] as const;
/** Relations a client may name in `with`; every one of them is always in the object already. */
export const RELATIONS = ['teams', 'permissions', 'service_permissions', 'ksuite', 'app_accesses'] as const;

const RoleType = StringEnum(ROLE_TYPES);

export const InvitationTeamSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    color_id: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
    user_count: Type.Integer(),
  },
  { $id: 'InvitationTeam', title: 'InvitationTeam' },
);

const PermissionOut = Type.Object({
  service_id: Id,
  service_name: Type.String(),
  product_id: Nullable(Id),
  apply_to_all: Type.Boolean(),
  types: Type.Array(Type.String()),
});
const ServicePermissionOut = Type.Object({
  service_id: Id,
  service_name: Type.String(),
  types: Type.Array(Type.String()),
});

export const InvitationSchema = Type.Object(
  {
    id: Id,
    first_name: Type.String(),
    last_name: Type.String(),
    email: Type.String(),
    strict: Type.Boolean(),
    status: StringEnum(STATUSES),
    role_type: RoleType,
    teams: Type.Array(InvitationTeamSchema),
    language_id: Type.Integer(),
    locale: Type.String(),
    account_id: Id,
    has_ksuite: Type.Boolean(),
    has_billing: Type.Boolean(),
    has_billing_mailing: Type.Boolean(),
    has_mailing: Type.Boolean(),
    ksuite: Nullable(Type.Array(Type.Unknown())),
    app_accesses: Nullable(Type.String()),
    permissions: Type.Array(PermissionOut, {
      description: 'Product rights granted on acceptance, one entry per product or per service (apply_to_all)',
    }),
    service_permissions: Type.Array(ServicePermissionOut, {
      description: 'The apply_to_all entries: rights on every product of a service',
    }),
    sent_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
    expired_at: Nullable(Timestamp),
    url_accept: Type.String({ description: 'POST here to accept (see acceptInvitation)' }),
    qr_code: Type.String({ description: "QR code of url_accept: an SVG data URI ('' without url_accept)" }),
  },
  { $id: 'AccountInvitation', title: 'AccountInvitation' },
);
export type Invitation = Static<typeof InvitationSchema>;

// POST follows the official document: `permissions` is an object whose `billing` gives the
// billing access (has_billing). The document has no way to grant product rights at invitation
// time although PATCH takes them as an array, so the object also takes `products` in PATCH's
// array form, and, for clients that send the PATCH form to POST, the bare array is accepted too.
const PostPermissions = Type.Union([
  Type.Object(
    {
      billing: Type.Optional(Type.Boolean()),
      products: Type.Optional(Type.Array(PermissionSchema, { maxItems: 200 })),
    },
    { additionalProperties: false },
  ),
  Type.Array(PermissionSchema, { maxItems: 200 }),
]);

export const CreateInvitationBody = Type.Object(
  {
    email: Type.String({ minLength: 5, maxLength: 255, format: 'email' }),
    first_name: Type.String({ minLength: 1, maxLength: 128 }),
    last_name: Type.String({ minLength: 1, maxLength: 128 }),
    locale: StringEnum(LOCALES),
    role_type: RoleType,
    notifications: Type.Optional(
      Type.Object(
        { billing: Type.Optional(Type.Boolean()), products: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
    permissions: Type.Optional(PostPermissions),
    silent: Type.Optional(Type.Boolean({ description: 'No email when true (default false)' })),
    strict: Type.Optional(Type.Boolean({ description: 'Must be accepted with the same email (default true)' })),
    teams: Type.Optional(Type.Array(Id, { uniqueItems: true, maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type CreateInvitationInput = Static<typeof CreateInvitationBody>;

export const PatchInvitationBody = Type.Object(
  {
    role_type: Type.Optional(RoleType),
    team_ids: Type.Optional(Type.Array(Id, { uniqueItems: true, maxItems: 200 })),
    permissions: Type.Optional(Type.Array(PermissionSchema, { maxItems: 200 })),
    has_billing: Type.Optional(Type.Boolean()),
    has_billing_mailing: Type.Optional(Type.Boolean()),
    has_mailing: Type.Optional(Type.Boolean()),
    language_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type PatchInvitationInput = Static<typeof PatchInvitationBody>;

export const AccountParams = Type.Object({ account: Id });
export const InvitationParams = Type.Object({ account: Id, invitation: Id });
export const UserParams = Type.Object({ account: Id, user: Id });
export const WithOnlyQuery = Type.Object({ with: WithQuery });
export const UserInvitationsQuery = Type.Object({
  type: Type.Optional(RoleType),
  filter: Type.Optional(Type.Object({ type: Type.Optional(RoleType) })),
});

// Any malformed key is simply an unknown one (404), so the schema only bounds its length.
export const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 128 }) });

/** A new person's details; ignored when a signed-in user accepts with their bearer token. */
export const AcceptBody = Nullable(
  Type.Object(
    {
      password: Type.Optional(Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })),
      first_name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      last_name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    },
    { additionalProperties: false },
  ),
);
export type AcceptInput = { password?: string; first_name?: string; last_name?: string };

export const AcceptedSchema = Type.Object(
  {
    account_id: Id,
    user_id: Id,
    role_type: RoleType,
    token: Type.Optional(
      Type.Object(CreatedTokenSchema.properties, {
        description: 'Only when the acceptance created the account: its first API token, shown this once',
      }),
    ),
  },
  { $id: 'AcceptedInvitation', title: 'AcceptedInvitation' },
);
