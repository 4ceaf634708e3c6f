import type * as Jose from 'jose';
import type { JWK, importJWK } from 'jose';
import type { Executor } from '../../db/database.js';
import { nowSeconds } from '../../shared/time.js';
import { SUPPORTED_SCOPES } from './oauth-scopes.js';
import { serverSecret } from './server-secrets.js';

// OpenID Connect on top of the authorization server: ID tokens signed with an RSA key the
// server makes once (kept in the database, published at /.well-known/jwks.json), the
// userinfo claims by scope, and the discovery documents (RFC 8414 and OIDC Discovery).

export const ACCESS_TOKEN_TTL = 7200;
export const ID_TOKEN_TTL = 3600;

type SigningKey = { key: Awaited<ReturnType<typeof importJWK>>; kid: string; publicJwk: JWK };
const keys = new WeakMap<Executor, Promise<SigningKey>>();

// jose is loaded by the first signing key or ID token, not by every start (most runs sign none).
let joseModule: Promise<typeof Jose> | undefined;
const loadJose = () => (joseModule ??= import('jose'));

function signingKey(db: Executor): Promise<SigningKey> {
  let k = keys.get(db);
  if (!k) {
    k = (async () => {
      const { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } = await loadJose();
      const stored = await serverSecret(db, 'id_token_rs256', async () => {
        const { privateKey } = await generateKeyPair('RS256', { extractable: true });
        const jwk = await exportJWK(privateKey);
        return JSON.stringify({ ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' });
      });
      // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the stored secret is the JWK made above, kid included (the server alone writes it)
      const jwk = JSON.parse(stored) as JWK & { kid: string };
      return {
        key: await importJWK(jwk, 'RS256'),
        kid: jwk.kid,
        publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: 'RS256', use: 'sig' },
      };
    })();
    keys.set(db, k);
  }
  return k;
}

export const jwks = async (db: Executor) => ({ keys: [(await signingKey(db)).publicJwk] });

export interface ClaimsUser {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  avatar: string | null;
  phone?: string | null;
  locale?: string;
}

/** The claims the scopes allow: `sub` always; names and picture with profile; e-mail with email; phone with phone. */
export function claimsOf(u: ClaimsUser, scopes: readonly string[]) {
  const all = scopes.includes('user_info');
  const has = (s: string) => all || scopes.includes(s);
  return {
    sub: String(u.id),
    ...(has('profile')
      ? {
          name: `${u.first_name} ${u.last_name}`.trim(),
          given_name: u.first_name,
          family_name: u.last_name,
          picture: u.avatar,
          locale: u.locale,
        }
      : {}),
    ...(has('email') ? { email: u.email, email_verified: true } : {}),
    ...(has('phone') && u.phone ? { phone_number: u.phone } : {}),
  };
}

export async function idToken(
  db: Executor,
  issuer: string,
  o: { user: ClaimsUser; clientId: string; scopes: readonly string[]; nonce: string | null; authTime: number },
) {
  const [{ key, kid }, { SignJWT }] = await Promise.all([signingKey(db), loadJose()]);
  const now = nowSeconds();
  return new SignJWT({
    ...claimsOf(
      o.user,
      o.scopes.filter((s) => s !== 'user_info'),
    ),
    auth_time: o.authTime,
    ...(o.nonce ? { nonce: o.nonce } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setSubject(String(o.user.id))
    .setAudience(o.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + ID_TOKEN_TTL)
    .sign(key);
}

/** RFC 8414 / OIDC Discovery metadata of this server. */
export function metadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    revocation_endpoint: `${issuer}/token/revoke`,
    introspection_endpoint: `${issuer}/token/introspect`,
    userinfo_endpoint: `${issuer}/oauth2/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    scopes_supported: [...SUPPORTED_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'password', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: [
      'sub',
      'name',
      'given_name',
      'family_name',
      'picture',
      'locale',
      'email',
      'email_verified',
      'phone_number',
      'auth_time',
      'nonce',
    ],
  };
}
