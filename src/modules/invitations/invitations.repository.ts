import { sql, type Insertable, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { Executor } from '../../db/database.js';
import type { Database, InvitationPermission, InvitationsTable, RoleType } from '../../db/types.js';

// Everything of an invitation but the key's hash, which only ever serves to find it.
const COLUMNS = [
  'id',
  'account_id',
  'key',
  'email',
  'first_name',
  'last_name',
  'locale',
  'language_id',
  'role_type',
  'strict',
  'silent',
  'status',
  'has_billing',
  'has_billing_mailing',
  'has_mailing',
  'permissions',
  'team_ids',
  'invited_by_id',
  'accepted_user_id',
  'sent_at',
  'created_at',
  'updated_at',
  'expired_at',
] as const satisfies readonly (keyof InvitationsTable)[];

export type InvitationRow = Pick<Selectable<InvitationsTable>, (typeof COLUMNS)[number]>;
type NewInvitation = Omit<Insertable<InvitationsTable>, 'permissions' | 'team_ids'> & {
  permissions: InvitationPermission[];
  team_ids: number[];
};
type InvitationChanges = Omit<Updateable<InvitationsTable>, 'permissions' | 'team_ids'> & {
  permissions?: InvitationPermission[];
  team_ids?: number[];
};

// jsonb and integer[] are written as typed literals so that pg and PGlite store them alike.
const jsonb = (v: unknown) => sql<string>`${JSON.stringify(v)}::jsonb`;
const intArray = (ids: number[]) => sql<number[]>`${`{${ids.join(',')}}`}::integer[]`;

/** The changes as columns: the two typed literals only for the fields that change. */
function encodeChanges({ permissions, team_ids, ...rest }: InvitationChanges) {
  return {
    ...rest,
    ...(permissions !== undefined ? { permissions: jsonb(permissions) } : {}),
    ...(team_ids !== undefined ? { team_ids: intArray(team_ids) } : {}),
  };
}

const ofAccount = (db: Executor, accountId: number, id: number) =>
  db.selectFrom('invitations').select(COLUMNS).where('account_id', '=', accountId).where('id', '=', id);

/** Invitation rows locked (FOR UPDATE) until the transaction ends: one answer or change at a time. */
export function invitationLocks(trx: Transaction<Database>) {
  return {
    /** One invitation of the organisation; a foreign one is simply not found. */
    ofAccount: (accountId: number, id: number) => ofAccount(trx, accountId, id).forUpdate().executeTakeFirst(),

    byKeyHash: (keyHash: string) =>
      trx.selectFrom('invitations').select(COLUMNS).where('key_hash', '=', keyHash).forUpdate().executeTakeFirst(),

    pendingByEmail: (accountId: number, email: string) =>
      trx
        .selectFrom('invitations')
        .select(COLUMNS)
        .where('account_id', '=', accountId)
        .where(sql`lower(email)`, '=', email.toLowerCase())
        .where('status', '=', 'pending')
        .forUpdate()
        .executeTakeFirst(),
  };
}

/** The invitations themselves, and the teams they name. */
function invitationRows(db: Executor) {
  return {
    insert: ({ permissions, team_ids, ...rest }: NewInvitation) =>
      db
        .insertInto('invitations')
        .values({ ...rest, permissions: jsonb(permissions), team_ids: intArray(team_ids) })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),

    update: (id: number, changes: InvitationChanges) =>
      db
        .updateTable('invitations')
        .set(encodeChanges(changes))
        .where('id', '=', id)
        .returning(COLUMNS)
        .executeTakeFirstOrThrow(),

    /** One invitation of the organisation; a foreign one is simply not found. */
    find: (accountId: number, id: number) => ofAccount(db, accountId, id).executeTakeFirst(),

    /** Every invitation of the organisation sent to that address or accepted by that user. */
    listForUser(accountId: number, email: string, userId: number, roleType?: RoleType) {
      let q = db
        .selectFrom('invitations')
        .select(COLUMNS)
        .where('account_id', '=', accountId)
        .where((eb) => eb.or([eb(sql`lower(email)`, '=', email.toLowerCase()), eb('accepted_user_id', '=', userId)]));
      if (roleType) q = q.where('role_type', '=', roleType);
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    },

    /** The organisation's teams among `ids`, with what an invitation shows of them. */
    teams(accountId: number, ids: number[]) {
      if (!ids.length) return Promise.resolve([]);
      return db
        .selectFrom('teams as t')
        .select(['t.id', 't.name', 't.color_id', 't.created_at', 't.updated_at'])
        .select((eb) =>
          eb
            .selectFrom('team_members as tm')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('tm.team_id', '=', 't.id')
            .as('user_count'),
        )
        .where('t.account_id', '=', accountId)
        .where('t.id', 'in', ids)
        .orderBy('t.id')
        .execute()
        .then((rows) => rows.map((r) => ({ ...r, user_count: Number(r.user_count ?? 0) })));
    },
  };
}

/** Who an invitation is for: members and users of the mirror. */
function invitedPeople(db: Executor) {
  return {
    memberByEmail(accountId: number, email: string) {
      return db
        .selectFrom('account_members as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select('u.id')
        .where('m.account_id', '=', accountId)
        .where(sql`lower(u.email)`, '=', email.toLowerCase())
        .executeTakeFirst();
    },

    isMember: async (accountId: number, userId: number) =>
      !!(await db
        .selectFrom('account_members')
        .select('user_id')
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .executeTakeFirst()),

    user: (id: number) =>
      db
        .selectFrom('users')
        .select(['id', 'email', 'first_name', 'last_name', 'current_account_id'])
        .where('id', '=', id)
        .executeTakeFirst(),

    userByEmail: (email: string) =>
      db
        .selectFrom('users')
        .select('id')
        .where(sql`lower(email)`, '=', email.toLowerCase())
        .executeTakeFirst(),

    accountName: async (accountId: number) =>
      (await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirstOrThrow()).name,
  };
}

export function invitationsRepository(db: Executor) {
  return { ...invitationRows(db), ...invitedPeople(db) };
}
