import { SCOPES } from '../../shared/scopes.js';

// What a client may ask for: the OpenID Connect scopes (identity only) and the API scopes
// (what the token may do on the API, as for API tokens).

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone'] as const;
export const SUPPORTED_SCOPES: readonly string[] = [...OIDC_SCOPES, ...SCOPES];

/** Without `scope`, a client gets the API scopes, as upstream's first-party clients do. */
export const DEFAULT_SCOPES: readonly string[] = [...SCOPES];

/** What the consent page says each scope allows. */
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Confirm who you are',
  profile: 'See your name and picture',
  email: 'See your e-mail address',
  phone: 'See your phone number',
  user_info: 'Read and change your profile',
  accounts: 'Manage your organisations, their users, teams and products',
  billing: 'See and pay your invoices, orders and payment methods',
};

/** The requested scopes, or undefined when one is unknown (invalid_scope). */
export function parseScopes(
  raw: string | undefined,
  fallback: readonly string[] = DEFAULT_SCOPES,
): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const asked = [...new Set(raw.trim().split(/\s+/))];
  return asked.every((s) => SUPPORTED_SCOPES.includes(s)) ? asked : undefined;
}
