import { Type } from 'typebox';
import { Id, Nullable, Timestamp, StringEnum } from '../../shared/schemas.js';
import { UserSummarySchema } from '../../shared/user-summary.js';
import { WithQuery } from '../../shared/with.js';
import { CountrySchema, LanguageSchema, TimezoneSchema } from '../reference/index.js';

export const ContactType = StringEnum(['personal', 'professional', 'other']);

export const EmailSchema = Type.Object(
  {
    id: Id,
    email: Type.String(),
    created_at: Timestamp,
    reminder: Type.Boolean(),
    checked: Type.Boolean(),
    type: ContactType,
  },
  { $id: 'Useremail', title: 'ProfileEmail' },
);
export const PhoneSchema = Type.Object(
  {
    id: Id,
    phone: Type.String(),
    created_at: Timestamp,
    reminder: StringEnum(['true', 'false'], {
      description: "A string as upstream's (an email's reminder is a boolean)",
    }),
    checked: Type.Boolean(),
    type: ContactType,
  },
  { $id: 'Userphone', title: 'ProfilePhone' },
);
export const SessionSchema = Type.Object(
  {
    id: Type.Integer({ description: 'For keep_session_ids and DELETE /2/profile/sessions/{session_id}' }),
    browser: Type.String(),
    last_accessed_at: Timestamp,
    device: Type.String(),
    location: Type.String(),
    ip: Type.String(),
    user_agent: Type.String(),
  },
  { $id: 'Usersession', title: 'ProfileSession' },
);

const SecuritySchema = Type.Object({
  otp: Type.Boolean(),
  sms: Type.Boolean(),
  sms_phone: Nullable(Type.String()),
  yubikey: Type.Boolean(),
  infomaniak_application: Type.Boolean(),
  double_auth: Type.Boolean(),
  double_auth_method: Nullable(Type.String()),
  remaining_rescue_code: Type.Integer(),
  last_login_at: Nullable(Timestamp),
  date_last_changed_password: Timestamp,
  // Trusted devices; the mirror has no device sign-in yet, so the list is always empty.
  auth_devices: Type.Array(
    Type.Object({
      id: Id,
      name: Type.String(),
      last_connexion: Nullable(Timestamp),
      user_agent: Type.String(),
      user_ip: Type.String(),
      device: Type.String(),
      created_at: Timestamp,
      updated_at: Timestamp,
      deleted_at: Nullable(Timestamp),
    }),
  ),
});

const ConnectionSchema = Type.Object({
  unsuccessful_limit: Type.Boolean(),
  unsuccessful_rate_limit: Type.Integer(),
  unsuccessful_notification: Type.Boolean(),
  successful_notification: Type.Boolean(),
});

export const ProfileSchema = Type.Object(
  {
    ...UserSummarySchema.properties,
    login: Type.String(),
    birth_at: Nullable(Type.String()),
    sessions: Type.Optional(Type.Array(SessionSchema, { description: 'with=security' })),
    preferences: Type.Object({
      security: Type.Optional(SecuritySchema),
      account: Type.Object({ current_account_id: Nullable(Id) }),
      connection: ConnectionSchema,
      language: LanguageSchema,
      country: CountrySchema,
      timezone: TimezoneSchema,
    }),
    phones: Type.Optional(Type.Array(PhoneSchema, { description: 'with=phones' })),
    emails: Type.Optional(Type.Array(EmailSchema, { description: 'with=emails' })),
  },
  { $id: 'UserProfile', title: 'UserProfile' },
);

/** The v1 profile: the older field names (`firstname`, `lastname`) and flat preferences. */
export const ProfileV1Schema = Type.Object(
  {
    id: Id,
    login: Type.String(),
    email: Type.String(),
    firstname: Type.String(),
    lastname: Type.String(),
    display_name: Type.String(),
    avatar: Nullable(Type.String()),
    language_id: Id,
    locale: Type.String(),
    country_id: Id,
    timezone: Type.String(),
    timezone_id: Id,
    current_account_id: Nullable(Id),
    is_sso: Type.Boolean(),
    created_at: Timestamp,
  },
  { title: 'UserProfileV1' },
);

export const ProfileQuery = Type.Object({
  with: WithQuery,
  no_avatar_default: Type.Optional(StringEnum(['0', '1', 'true', 'false'])),
});

const Email = Type.String({ format: 'email', maxLength: 128 });

export const PatchProfileBody = Type.Object(
  {
    firstname: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    lastname: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    email: Type.Optional(Email),
    current_password: Type.Optional(Type.String({ maxLength: 256 })),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
    keep_session_ids: Type.Optional(
      Type.Array(Type.Union([Type.String(), Type.Integer()]), {
        description: 'Sessions (ids from with=security) that stay signed in',
      }),
    ),
    language_id: Type.Optional(Id),
    locale: Type.Optional(Type.String()),
    country_id: Type.Optional(Id),
    timezone: Type.Optional(Type.String()),
    timezone_id: Type.Optional(Id),
    birth_at: Type.Optional(Nullable(Type.String({ format: 'date' }))),
    current_account_id: Type.Optional(Id),
    reminder_email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 200 }))),
    reminder_phone: Type.Optional(Nullable(Type.String({ pattern: '^\\+?[0-9 ]{4,15}$', maxLength: 15 }))),
    successful_connexion_notification: Type.Optional(Type.Boolean()),
    unsuccessful_connexion_notification: Type.Optional(Type.Boolean()),
    unsuccessful_connexion_limit: Type.Optional(Type.Boolean()),
    unsuccessful_connexion_rate_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const DryRunQuery = Type.Object({ dry_run: Type.Optional(Type.Boolean()) });

export const AvatarBody = Type.Object(
  {
    avatar: Type.String({ minLength: 1, maxLength: 1_000_000, description: 'The image, base64 or a data: URL' }),
    encoding: Type.Optional(StringEnum(['base64'])),
  },
  { additionalProperties: false },
);
export const AvatarResult = Type.Object({ avatar: Type.String() });

export const EmailParams = Type.Object({ email_type: StringEnum(['email', 'email_request']), email_id: Id });
export const PhoneParams = Type.Object({ phone_id: Id });
export const AvatarParams = Type.Object({ user_id: Id, file: Type.String({ pattern: '^[A-Za-z0-9]+\\.(svg|img)$' }) });
