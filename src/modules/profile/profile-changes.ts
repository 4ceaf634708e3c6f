import type { Updateable } from 'kysely';
import type { UsersTable } from '../../db/types.js';
import { fieldError, type FieldError } from '../../shared/errors.js';
import {
  countries,
  findLanguageByLocale,
  findTimezoneByName,
  languages,
  LOCALES,
  timezones,
} from '../reference/index.js';

export interface ProfileInput {
  firstname?: string;
  lastname?: string;
  language_id?: number;
  locale?: string;
  country_id?: number;
  timezone?: string;
  timezone_id?: number;
  birth_at?: string | null;
  reminder_email?: string | null;
  reminder_phone?: string | null;
  successful_connexion_notification?: boolean;
  unsuccessful_connexion_notification?: boolean;
  unsuccessful_connexion_limit?: boolean;
  unsuccessful_connexion_rate_limit?: number;
}

// The plain field changes of a PATCH /2/profile, checked against the reference catalogues.
// A language can be given by id or by locale, a timezone by id or by name; given both ways,
// they must agree. Every bad field is reported, not just the first.

function language(input: ProfileInput, errors: FieldError[]): Partial<Updateable<UsersTable>> {
  const byId = input.language_id === undefined ? undefined : languages.find(input.language_id);
  const byLocale = input.locale === undefined ? undefined : findLanguageByLocale(input.locale);
  if (input.language_id !== undefined && !byId) errors.push(fieldError('language_id', 'exists', 'Unknown language'));
  if (input.locale !== undefined && !byLocale) errors.push(fieldError('locale', 'in', 'Unknown locale', LOCALES));
  if (byId && byLocale && byId.id !== byLocale.id)
    errors.push(fieldError('locale', 'same', 'The locale does not match language_id'));
  const chosen = byId ?? byLocale;
  return chosen ? { language_id: chosen.id, locale: chosen.locale } : {};
}

function timezone(input: ProfileInput, errors: FieldError[]): Partial<Updateable<UsersTable>> {
  const byId = input.timezone_id === undefined ? undefined : timezones.find(input.timezone_id);
  const byName = input.timezone === undefined ? undefined : findTimezoneByName(input.timezone);
  if (input.timezone_id !== undefined && !byId) errors.push(fieldError('timezone_id', 'exists', 'Unknown timezone'));
  if (input.timezone !== undefined && !byName) errors.push(fieldError('timezone', 'timezone', 'Unknown timezone name'));
  if (byId && byName && byId.id !== byName.id)
    errors.push(fieldError('timezone', 'same', 'The timezone does not match timezone_id'));
  const chosen = byId ?? byName;
  return chosen ? { timezone_id: chosen.id } : {};
}

export function profileChanges(input: ProfileInput, errors: FieldError[]): Updateable<UsersTable> {
  const changes: Updateable<UsersTable> = { ...language(input, errors), ...timezone(input, errors) };
  if (input.country_id !== undefined) {
    if (countries.find(input.country_id)) changes.country_id = input.country_id;
    else errors.push(fieldError('country_id', 'exists', 'Unknown country'));
  }
  if (input.firstname !== undefined) changes.first_name = input.firstname;
  if (input.lastname !== undefined) changes.last_name = input.lastname;
  const copied = [
    'birth_at',
    'reminder_email',
    'reminder_phone',
    'successful_connexion_notification',
    'unsuccessful_connexion_notification',
    'unsuccessful_connexion_limit',
    'unsuccessful_connexion_rate_limit',
  ] as const;
  // Each copied key has the same type in the input and the row; TypeScript cannot pair them through the loop's key.
  for (const key of copied) if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
  return changes;
}
