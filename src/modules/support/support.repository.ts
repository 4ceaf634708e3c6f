import type { Executor } from '../../db/database.js';
import type { SupportKind } from '../../db/types.js';

// The SQL of support access: the grants a user gave, their support code, and the grants open
// to support staff.

export interface StaffGrantFilter {
  support_code?: string;
  kind?: SupportKind;
}

/** The grants: a user's, and the ones open to support staff. */
function grantRows(db: Executor) {
  return {
    /** The user's latest grant of this kind (the one that says whether it is open). */
    latestGrant: (userId: number, kind: SupportKind) =>
      db
        .selectFrom('support_grants')
        .select(['id', 'granted_at', 'expires_at', 'revoked_at'])
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),

    insertGrant: (userId: number, kind: SupportKind, grantedAt: number, expiresAt: number) =>
      db
        .insertInto('support_grants')
        .values({ user_id: userId, kind, granted_at: grantedAt, expires_at: expiresAt })
        .returning(['granted_at', 'expires_at', 'revoked_at'])
        .executeTakeFirstOrThrow(),

    /** Closes the user's open grant of this kind, if there is one. */
    revokeOpenGrant: (userId: number, kind: SupportKind, now: number) =>
      db
        .updateTable('support_grants')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('kind', '=', kind)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .execute(),

    /** The grants open to support now, soonest to close first. */
    openGrants(f: StaffGrantFilter, now: number) {
      let q = db
        .selectFrom('support_grants as g')
        .innerJoin('users as u', 'u.id', 'g.user_id')
        .select(['g.id', 'g.user_id', 'u.support_code', 'g.kind', 'g.granted_at', 'g.expires_at'])
        .where('g.revoked_at', 'is', null)
        .where('g.expires_at', '>', now);
      if (f.support_code) q = q.where('u.support_code', '=', f.support_code.toUpperCase());
      if (f.kind) q = q.where('g.kind', '=', f.kind);
      return q.orderBy('g.expires_at').orderBy('g.id').execute();
    },
  };
}

/** The users' support codes. */
function supportCodes(db: Executor) {
  return {
    async supportCode(userId: number): Promise<string | null> {
      const row = await db
        .selectFrom('users')
        .select('support_code')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      return row.support_code;
    },

    /**
     * Sets the user's support code unless they have one; undefined when it was not set (they had
     * one already, or another user holds this code: the unique index refuses it).
     */
    async claimSupportCode(userId: number, code: string): Promise<string | undefined> {
      const set = await db
        .updateTable('users')
        .set({ support_code: code })
        .where('id', '=', userId)
        .where('support_code', 'is', null)
        .returning('support_code')
        .executeTakeFirst()
        .catch(() => undefined);
      return set?.support_code ?? undefined;
    },
  };
}

export const supportRepository = (db: Executor) => ({ ...grantRows(db), ...supportCodes(db) });
