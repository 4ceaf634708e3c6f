// The texts of the console's organisation pages.
const en = {};

export const ORGANISATION = {
  en,
  fr: {} satisfies Record<keyof typeof en, string>,
};
