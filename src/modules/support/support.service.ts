import { randomInt } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { SupportKind } from '../../db/types.js';
import { accessDenied } from '../../shared/errors.js';
import type { UserRow } from '../../shared/principal.js';
import { nowSeconds } from '../../shared/time.js';
import { supportRepository, type StaffGrantFilter } from './support.repository.js';
import { GRANT_SECONDS, SUPPORT_KINDS } from './support.schemas.js';

// Support access ("autoriser le Support"): the user lets support into one kind of content at a
// time, for 7 days on the mirror's clock, and may close it at once. Support staff (users with
// is_staff) see the grants open to them and nothing else.

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

type Grant = { granted_at: number; expires_at: number; revoked_at: number | null };

/** A kind's state from its latest grant: open, closed (revoked or expired, and when), or never. */
function stateOf(kind: SupportKind, g: Grant | undefined, now: number) {
  if (!g)
    return { kind, status: 'never' as const, granted_at: null, expires_at: null, closed_at: null, closed_reason: null };
  const base = { kind, granted_at: Number(g.granted_at), expires_at: Number(g.expires_at) };
  if (g.revoked_at !== null)
    return { ...base, status: 'closed' as const, closed_at: Number(g.revoked_at), closed_reason: 'revoked' as const };
  if (Number(g.expires_at) <= now)
    return { ...base, status: 'closed' as const, closed_at: Number(g.expires_at), closed_reason: 'expired' as const };
  return { ...base, status: 'open' as const, closed_at: null, closed_reason: null };
}

/** A fresh support code, e.g. K7QX-42MD (no 0/O/1/I: read out over the phone). */
function newSupportCode() {
  const pick = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
  return `${pick()}-${pick()}`;
}

export function supportService(db: Db) {
  const repo = supportRepository(db);

  /** The user's support code, made the first time it is asked for (a taken code is drawn again). */
  async function supportCode(userId: number): Promise<string> {
    const existing = await repo.supportCode(userId);
    if (existing) return existing;
    for (;;) {
      const claimed = await repo.claimSupportCode(userId, newSupportCode());
      if (claimed) return claimed;
      const again = await repo.supportCode(userId);
      if (again) return again;
    }
  }

  return {
    /** Every kind's state, with the user's support code. */
    async access(userId: number) {
      const now = nowSeconds();
      const access = [];
      for (const kind of SUPPORT_KINDS) access.push(stateOf(kind, await repo.latestGrant(userId, kind), now));
      return { support_code: await supportCode(userId), access };
    },

    /** Opens a grant for 7 days; an open grant stays as it is. */
    async grant(userId: number, kind: SupportKind) {
      const now = nowSeconds();
      await supportCode(userId);
      const current = stateOf(kind, await repo.latestGrant(userId, kind), now);
      if (current.status === 'open') return current;
      return stateOf(kind, await repo.insertGrant(userId, kind, now, now + GRANT_SECONDS), now);
    },

    async revoke(userId: number, kind: SupportKind) {
      const now = nowSeconds();
      await repo.revokeOpenGrant(userId, kind, now);
      return stateOf(kind, await repo.latestGrant(userId, kind), now);
    },

    /** Support staff only: the grants open to support now. */
    async openGrants(staff: UserRow, f: StaffGrantFilter) {
      if (!staff.is_staff) throw accessDenied('Reserved to support staff');
      const rows = await repo.openGrants(f, nowSeconds());
      return rows.map((r) => ({ ...r, support_code: r.support_code ?? '' }));
    },
  };
}
