// The scopes a token can carry. Later modules add theirs here; a token created with "every
// scope" gets exactly this list.
export const SCOPES = ['user_info', 'accounts', 'billing'] as const;
export type Scope = (typeof SCOPES)[number];

export type RouteAuth = 'public' | { scopes: readonly Scope[] };
