// The texts of the console's tools pages.
const en = {};

export const TOOLS = {
  en,
  fr: {} satisfies Record<keyof typeof en, string>,
};
