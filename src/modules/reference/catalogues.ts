import { notFound } from '../../shared/errors.js';
import { ACTIONS } from './data/actions.js';
import { COUNTRIES } from './data/countries.js';
import { LANGUAGES } from './data/languages.js';
import { TIMEZONES } from './data/timezones.js';

// The reference data never changes while the server runs, so it is served from memory and
// looked up by id in O(1); the profile reads it on every request.

function indexById<T extends { id: number }>(items: readonly T[], what: string) {
  const byId = new Map(items.map((i) => [i.id, i]));
  return {
    all: items,
    find: (id: number) => byId.get(id),
    get(id: number): T {
      const found = byId.get(id);
      if (!found) throw notFound(what);
      return found;
    },
  };
}

export const languages = indexById(LANGUAGES, 'Language');
export const countries = indexById(COUNTRIES, 'Country');
export const timezones = indexById(TIMEZONES, 'Timezone');
export const actions = indexById(ACTIONS, 'Action');

const timezoneByName = new Map(TIMEZONES.map((t) => [t.name, t]));
export const findTimezoneByName = (name: string) => timezoneByName.get(name);

const languageByLocale = new Map(LANGUAGES.map((l) => [l.locale, l]));
export const findLanguageByLocale = (locale: string) => languageByLocale.get(locale);
export const LOCALES = LANGUAGES.map((l) => l.locale);
