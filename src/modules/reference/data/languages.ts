/**
 * Languages supported by the account (UI / notification languages).
 *
 * Source: the five locales offered by Infomaniak. Ids mirror the real Infomaniak
 * API (1 French, 2 English, 3 German, 4 Italian, 5 Spanish) so that clients
 * hard-coding them keep working. `name` is the English name of the language.
 */

export interface Language {
  id: number;
  name: string;
  short_name: string;
  locale: string;
  short_locale: string;
}

export const LANGUAGES: readonly Language[] = [
  { id: 1, name: 'French', short_name: 'FR', locale: 'fr_FR', short_locale: 'fr' },
  { id: 2, name: 'English', short_name: 'EN', locale: 'en_GB', short_locale: 'en' },
  { id: 3, name: 'German', short_name: 'DE', locale: 'de_DE', short_locale: 'de' },
  { id: 4, name: 'Italian', short_name: 'IT', locale: 'it_IT', short_locale: 'it' },
  { id: 5, name: 'Spanish', short_name: 'ES', locale: 'es_ES', short_locale: 'es' },
];
