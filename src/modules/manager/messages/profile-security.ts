// The texts of the console's profile-security pages.
const en = {};

export const PROFILE_SECURITY = {
  en,
  fr: {} satisfies Record<keyof typeof en, string>,
};
