// The texts of the console's renewals pages.
const en = {};

export const RENEWALS = {
  en,
  fr: {} satisfies Record<keyof typeof en, string>,
};
