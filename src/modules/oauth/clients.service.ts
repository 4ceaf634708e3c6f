import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/transaction.js';
import { fieldError, notFound, validationFailed, type FieldError } from '../../shared/errors.js';
import { listParams } from '../../shared/pagination.js';
import { hashToken } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { CLIENT_SORTABLE, clientsRepository, type ClientRow } from './clients.repository.js';
import type { ClientsQueryInput, CreateClientInput, UpdateClientInput } from './clients.schemas.js';

// A user's registered OAuth applications. A confidential client's secret is shown once and
// kept as a SHA-256 hash (it is 256 random bits: nothing to brute-force, so no slow hash).

export const present = (c: ClientRow) => ({
  client_id: c.client_id,
  name: c.name,
  type: c.type,
  redirect_uris: c.redirect_uris,
  created_at: c.created_at,
  updated_at: c.updated_at,
});

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * RFC 9700 §2.1 and RFC 8252: https anywhere, plain http only on a loopback host, a native
 * app's private-use scheme (`com.example.app:/callback`); never a fragment.
 */
export function redirectUriProblem(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'is not an absolute URI';
  }
  if (u.hash || raw.includes('#')) return 'must not have a fragment';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:')
    return LOOPBACK.has(u.hostname) ? undefined : 'must use https (plain http only on localhost, 127.0.0.1 or [::1])';
  if (['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:'].includes(u.protocol))
    return `must not use ${u.protocol}`;
  return /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(u.protocol)
    ? undefined
    : 'a private-use scheme is a reversed domain name (com.example.app:/callback)';
}

function checkRedirects(uris: string[] | undefined) {
  if (!uris) return;
  const errors: FieldError[] = [];
  uris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) errors.push(fieldError(`redirect_uris.${i}`, 'redirect_uri', `The redirect URI ${problem}`));
  });
  if (new Set(uris).size !== uris.length)
    errors.push(fieldError('redirect_uris', 'distinct', 'Each redirect URI once'));
  if (errors.length) throw validationFailed(errors);
}

export function clientsService(db: Db) {
  const clients = clientsRepository(db);

  async function own(userId: number, clientId: string) {
    const c = await clients.byClientId(clientId);
    if (!c || c.user_id !== userId) throw notFound('OAuth client');
    return c;
  }

  return {
    async list(userId: number, q: ClientsQueryInput) {
      const params = listParams(q, CLIENT_SORTABLE, [{ field: 'created_at', dir: 'asc' }]);
      const { items, total } = await clients.list(userId, params);
      return { items: items.map(present), total, params };
    },

    async create(userId: number, body: CreateClientInput) {
      checkRedirects(body.redirect_uris);
      const secret = body.type === 'confidential' ? `ikms_${randomBytes(32).toString('base64url')}` : null;
      const row = await clients.insert({
        client_id: `ikmc_${randomBytes(12).toString('base64url')}`,
        user_id: userId,
        name: body.name.trim(),
        type: body.type,
        redirect_uris: body.redirect_uris,
        secret_hash: secret && hashToken(secret),
        updated_at: nowSeconds(),
      });
      return { ...present(row), client_secret: secret };
    },

    get: async (userId: number, clientId: string) => present(await own(userId, clientId)),

    async update(userId: number, clientId: string, body: UpdateClientInput) {
      checkRedirects(body.redirect_uris);
      const c = await own(userId, clientId);
      return present(
        await clients.update(c.id, {
          ...body,
          ...(body.name ? { name: body.name.trim() } : {}),
          updated_at: nowSeconds(),
        }),
      );
    },

    async remove(userId: number, clientId: string) {
      const c = await own(userId, clientId);
      await inTransaction(db, (trx) => clientsRepository(trx).remove(c.id, nowSeconds()));
      return true as const;
    },
  };
}
