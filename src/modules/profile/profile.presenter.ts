import type { Static } from 'typebox';
import type { UserRow } from '../../shared/principal.js';
import { avatarUrl, displayName } from '../../shared/user-summary.js';
import type { EmailSchema, PhoneSchema, SessionSchema } from './profile.schemas.js';
import { countries, languages, timezones } from '../reference/index.js';

export { avatarUrl };

// Turns a user row into the profile upstream returns. Reference data comes from memory, so
// the plain profile costs no query beyond the one that authenticated the request.

export interface Related {
  emails?: Static<typeof EmailSchema>[];
  phones?: Static<typeof PhoneSchema>[];
  sessions?: Static<typeof SessionSchema>[];
  security?: boolean;
}

function security(u: UserRow) {
  return {
    otp: u.otp,
    sms: false,
    sms_phone: null,
    yubikey: false,
    infomaniak_application: false,
    double_auth: u.otp,
    double_auth_method: u.otp ? 'otp' : null,
    remaining_rescue_code: 0,
    last_login_at: u.last_login_at,
    date_last_changed_password: u.password_changed_at,
    auth_devices: [],
  };
}

export function presentProfile(u: UserRow, avatar: string | null, rel: Related = {}) {
  return {
    id: u.id,
    display_name: displayName(u),
    first_name: u.first_name,
    last_name: u.last_name,
    email: u.email,
    is_sso: u.is_sso,
    avatar,
    type: u.is_staff ? 'staff' : 'user',
    login: u.login,
    birth_at: u.birth_at,
    ...(rel.sessions ? { sessions: rel.sessions } : {}),
    preferences: {
      ...(rel.security ? { security: security(u) } : {}),
      account: { current_account_id: u.current_account_id },
      connection: {
        unsuccessful_limit: u.unsuccessful_connexion_limit,
        unsuccessful_rate_limit: u.unsuccessful_connexion_rate_limit,
        unsuccessful_notification: u.unsuccessful_connexion_notification,
        successful_notification: u.successful_connexion_notification,
      },
      language: languages.get(u.language_id),
      country: countries.get(u.country_id),
      timezone: timezones.get(u.timezone_id),
    },
    ...(rel.phones ? { phones: rel.phones } : {}),
    ...(rel.emails ? { emails: rel.emails } : {}),
  };
}

export function presentProfileV1(u: UserRow, avatar: string | null) {
  return {
    id: u.id,
    login: u.login,
    email: u.email,
    firstname: u.first_name,
    lastname: u.last_name,
    display_name: displayName(u),
    avatar,
    language_id: u.language_id,
    locale: u.locale,
    country_id: u.country_id,
    timezone: timezones.get(u.timezone_id).name,
    timezone_id: u.timezone_id,
    current_account_id: u.current_account_id,
    is_sso: u.is_sso,
    created_at: u.created_at,
  };
}
