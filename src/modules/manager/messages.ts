import { ACCOUNTING } from './messages/accounting.js';
import { COMMON } from './messages/common.js';
import { ORGANISATION } from './messages/organisation.js';
import { PROFILE } from './messages/profile.js';
import { PROFILE_SECURITY } from './messages/profile-security.js';
import { RENEWALS } from './messages/renewals.js';
import { TOOLS } from './messages/tools.js';

// Every text of the console, in each of its languages, one file per group of pages. Each
// group's English table names its keys; its French one must have exactly the same (each file
// checks that with `satisfies`).

export const MESSAGES = {
  en: {
    ...COMMON.en,
    ...PROFILE.en,
    ...PROFILE_SECURITY.en,
    ...ORGANISATION.en,
    ...ACCOUNTING.en,
    ...RENEWALS.en,
    ...TOOLS.en,
  },
  fr: {
    ...COMMON.fr,
    ...PROFILE.fr,
    ...PROFILE_SECURITY.fr,
    ...ORGANISATION.fr,
    ...ACCOUNTING.fr,
    ...RENEWALS.fr,
    ...TOOLS.fr,
  },
};

export type MessageKey = keyof typeof MESSAGES.en;
