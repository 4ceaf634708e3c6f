import { COMMON } from './messages/common.js';
import { PROFILE } from './messages/profile.js';

// Every text of the console, in each of its languages, one file per group of pages. Each
// group's English table names its keys; its French one must have exactly the same (each file
// checks that with `satisfies`).

export const MESSAGES = {
  en: { ...COMMON.en, ...PROFILE.en },
  fr: { ...COMMON.fr, ...PROFILE.fr },
};

export type MessageKey = keyof typeof MESSAGES.en;
