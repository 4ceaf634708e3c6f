import type { Executor } from '../../db/database.js';
import { invalidField, notFound } from '../../shared/errors.js';
import type { Principal } from '../../shared/principal.js';
import { newApiToken } from '../../shared/secrets.js';
import { nowSeconds } from '../../shared/time.js';
import { tokensRepository } from './tokens.repository.js';

export interface NewToken {
  name: string;
  scopes: string[];
  /** Absent or null: the token never expires. */
  expired_at?: number | null;
}

export function tokensService(db: Executor) {
  const repo = tokensRepository(db);
  return {
    list: (caller: Principal) => repo.listActive(caller.user.id, nowSeconds()),

    /** A token may only hand on scopes it has itself. */
    async create(caller: Principal, input: NewToken) {
      const beyond = input.scopes.filter((s) => !caller.scopes.has(s));
      if (beyond.length) {
        throw invalidField('scopes', 'in', `The calling token cannot grant: ${beyond.join(', ')}`, [...caller.scopes]);
      }
      const expiredAt = input.expired_at ?? null;
      if (expiredAt !== null && expiredAt <= nowSeconds()) {
        throw invalidField('expired_at', 'after', 'The expiry must be in the future');
      }
      const { secret, hash } = newApiToken();
      const row = await repo.insert({
        user_id: caller.user.id,
        token_hash: hash,
        name: input.name,
        scopes: input.scopes,
        expired_at: expiredAt,
      });
      return { ...row, token: secret };
    },

    async revoke(caller: Principal, tokenId: number): Promise<true> {
      const done = await repo.revoke(caller.user.id, tokenId, nowSeconds());
      if (!done) throw notFound('Token');
      return true;
    },
  };
}
