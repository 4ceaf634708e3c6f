// The console's routes: pages of the console, not operations of the API (hidden from the
// OpenAPI document), signed in by the browser's session rather than a token, and not counted by
// the API's rate limit (a person clicking; sign-in attempts have their own throttle). What they
// change is changed by the API calls they make, which record their own activity.

export const PAGE = {
  config: { auth: 'public' as const, rateLimit: false },
  schema: { hide: true },
};

export const FORM = {
  config: {
    auth: 'public' as const,
    rateLimit: false,
    activity: { none: 'the console changes data through the API, whose calls record their own activity' },
  },
  schema: { hide: true },
};
