// The texts of the console's accounting pages.
const en = {};

export const ACCOUNTING = {
  en,
  fr: {} satisfies Record<keyof typeof en, string>,
};
