import { languages, timezones } from '../reference/index.js';
import { MESSAGES, type MessageKey } from './messages.js';

// The console speaks the profile's language (French or English; the other languages of the
// profile read English) and shows dates in the profile's time zone.

export type Lang = keyof typeof MESSAGES;

export interface Speech {
  lang: Lang;
  /** The message, with `{name}` filled from `values`. */
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
  /** A moment (Unix seconds) in the profile's time zone. */
  when: (seconds: number | null | undefined) => string;
  /** A day (Unix seconds), without the time. */
  day: (seconds: number | null | undefined) => string;
  /** An amount in minor units of `currency`. */
  money: (minor: number, currency: string) => string;
}

const LOCALES: Record<Lang, string> = { fr: 'fr-CH', en: 'en-GB' };

export function langOf(languageId: number): Lang {
  return languages.find(languageId)?.short_locale === 'fr' ? 'fr' : 'en';
}

export function speech(lang: Lang, timezoneId: number): Speech {
  const timeZone = timezones.find(timezoneId)?.name ?? 'UTC';
  const locale = LOCALES[lang];
  const moment = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium' });
  const messages = MESSAGES[lang];
  return {
    lang,
    t: (key, values) => messages[key].replace(/\{(\w+)\}/g, (all, name: string) => String(values?.[name] ?? all)),
    when: (s) => (s === null || s === undefined ? '–' : moment.format(s * 1000)),
    day: (s) => (s === null || s === undefined ? '–' : date.format(s * 1000)),
    money: (minor, currency) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2 }).format(minor / 100),
  };
}
