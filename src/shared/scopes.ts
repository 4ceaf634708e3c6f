// The scopes a token can carry. Later modules add theirs here; a token created with "every
// scope" gets exactly this list.
export const SCOPES = ['user_info', 'accounts', 'billing'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who may call a route: anyone, a bearer token with these scopes, or the operator's
 * MIRROR_ADMIN_TOKEN (the `/_mirror` control plane, absent when that token is unset).
 */
export type RouteAuth = 'public' | 'mirror-admin' | { scopes: readonly Scope[] };
