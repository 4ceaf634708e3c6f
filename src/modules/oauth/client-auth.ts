import type { FastifyRequest } from 'fastify';
import type { Executor } from '../../db/database.js';
import { hashToken, sameSecret } from '../../shared/secrets.js';
import { clientsRepository, type ClientRow } from './clients.repository.js';
import { OAuthError } from './oauth-error.js';

// RFC 6749 §2.3: a confidential client proves itself with its secret, in HTTP Basic
// (client_secret_basic) or in the form (client_secret_post); a public client names itself.

export interface TokenForm {
  [field: string]: string | undefined;
}

/** The client the request authenticates as; `confidentialOnly` refuses public clients. */
export async function authenticateClient(
  db: Executor,
  req: FastifyRequest,
  form: TokenForm,
  confidentialOnly = false,
): Promise<ClientRow> {
  let id = form.client_id;
  let secret = form.client_secret;
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    // The pattern's one group always takes part in a match.
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Basic credentials');
    // The two parts are form-encoded before Basic encoding (RFC 6749 §2.3.1).
    const basicId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    if (id !== undefined && id !== basicId)
      throw new OAuthError('invalid_request', 'client_id differs from the Basic credentials');
    if (secret !== undefined) throw new OAuthError('invalid_request', 'Use one client authentication method, not two');
    id = basicId;
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  }
  if (!id) throw new OAuthError('invalid_client', 'Client authentication is required (client_id)');
  const client = await clientsRepository(db).byClientId(id);
  if (!client) throw new OAuthError('invalid_client', 'Unknown client');
  if (client.type === 'confidential') {
    if (!secret || !client.secret_hash || !sameSecret(hashToken(secret), client.secret_hash)) {
      throw new OAuthError('invalid_client', 'Client authentication failed');
    }
  } else {
    if (secret) throw new OAuthError('invalid_client', 'A public client has no secret');
    if (confidentialOnly) throw new OAuthError('invalid_client', 'Only a confidential client may call this endpoint');
  }
  return client;
}
