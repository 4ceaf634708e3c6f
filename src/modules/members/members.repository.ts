import { sql, type Expression, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.js';
import { keptTotal } from '../../db/kept-totals.js';
import { shapedPage, sortFields, type SortColumns } from '../../db/paged.js';
import type { InvitationPermission, RoleType } from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';

// Members and pending invitees are listed as one relation: a UNION ALL of both with the same
// columns, so that filters, sorting and pagination run in SQL over the two together.

export interface ListFilter {
  role_type?: RoleType;
  state_in_account?: 'valid' | 'pending';
  search?: string;
  team_ids?: number[];
  user_ids?: number[];
  has_billing_access?: boolean;
}

export interface UserOrPendingRow {
  user_id: number | null;
  invitation_id: number | null;
  first_name: string;
  last_name: string;
  display_name: string;
  email: string;
  role_type: RoleType;
  state_in_account: 'valid' | 'pending';
  has_mailing: boolean;
  has_billing_mailing: boolean;
  has_billing_access: boolean;
  is_sso: boolean;
  language_id: number | null;
  last_login_at: number | null;
  avatar: string | null;
  is_staff: boolean;
  otp: boolean;
}

const MEMBER_SORT = {
  first_name: sql`lower(x.first_name)`,
  last_name: sql`lower(x.last_name)`,
  display_name: sql`lower(x.display_name)`,
  email: sql`lower(x.email)`,
  // Roles sort by rank: owner, admin, normal.
  role_type: sql`CASE x.role_type WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END`,
  state_in_account: sql`x.state_in_account`,
  last_login_at: sql`x.last_login_at`,
} satisfies SortColumns<string>;
export const MEMBER_SORTABLE = sortFields(MEMBER_SORT);
export type MemberSortField = keyof typeof MEMBER_SORT;

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function membersBranch(db: Executor, accountId: number, f: ListFilter) {
  let q = db
    .selectFrom('account_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      sql<number | null>`m.user_id`.as('user_id'),
      sql<number | null>`NULL::integer`.as('invitation_id'),
      'u.first_name',
      'u.last_name',
      sql<string>`trim(u.first_name || ' ' || u.last_name)`.as('display_name'),
      'u.email',
      'm.role_type',
      sql<'valid' | 'pending'>`'valid'`.as('state_in_account'),
      'm.has_mailing',
      'm.has_billing_mailing',
      'm.has_billing_access',
      'u.is_sso',
      sql<number | null>`u.language_id`.as('language_id'),
      'u.last_login_at',
      'u.avatar',
      'u.is_staff',
      'u.otp',
    ])
    .where('m.account_id', '=', accountId);
  if (f.role_type) q = q.where('m.role_type', '=', f.role_type);
  if (f.has_billing_access !== undefined) q = q.where('m.has_billing_access', '=', f.has_billing_access);
  if (f.user_ids) q = q.where('m.user_id', 'in', f.user_ids.length ? f.user_ids : [0]);
  if (f.team_ids) {
    const ids = f.team_ids.length ? f.team_ids : [0];
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('team_members as tm')
          .innerJoin('teams as t', 't.id', 'tm.team_id')
          .select('tm.team_id')
          .whereRef('tm.user_id', '=', 'm.user_id')
          .where('t.account_id', '=', accountId)
          .where('tm.team_id', 'in', ids),
      ),
    );
  }
  if (f.search) q = q.where(searchOn('u', f.search));
  return q;
}

function pendingBranch(db: Executor, accountId: number, f: ListFilter, now: number) {
  let q = db
    .selectFrom('invitations as i')
    .select([
      sql<number | null>`NULL::integer`.as('user_id'),
      sql<number | null>`i.id`.as('invitation_id'),
      'i.first_name',
      'i.last_name',
      sql<string>`trim(i.first_name || ' ' || i.last_name)`.as('display_name'),
      'i.email',
      'i.role_type',
      sql<'valid' | 'pending'>`'pending'`.as('state_in_account'),
      'i.has_mailing',
      'i.has_billing_mailing',
      sql<boolean>`i.has_billing`.as('has_billing_access'),
      sql<boolean>`false`.as('is_sso'),
      sql<number | null>`i.language_id`.as('language_id'),
      sql<number | null>`NULL::bigint`.as('last_login_at'),
      sql<string | null>`NULL::text`.as('avatar'),
      sql<boolean>`false`.as('is_staff'),
      sql<boolean>`false`.as('otp'),
    ])
    .where('i.account_id', '=', accountId)
    .where('i.status', '=', 'pending')
    .where('i.expired_at', '>', now);
  if (f.role_type) q = q.where('i.role_type', '=', f.role_type);
  if (f.has_billing_access !== undefined) q = q.where('i.has_billing', '=', f.has_billing_access);
  // A pending invitee has no user id yet: asking for user ids excludes them.
  if (f.user_ids) q = q.where(sql<SqlBool>`false`);
  if (f.team_ids) {
    const ids = f.team_ids.length ? f.team_ids : [0];
    q = q.where(sql<SqlBool>`i.team_ids && ARRAY[${sql.join(ids)}]::integer[]`);
  }
  if (f.search) q = q.where(searchOn('i', f.search));
  return q;
}

function searchOn(alias: 'u' | 'i', term: string): Expression<SqlBool> {
  const p = like(term);
  const a = sql.table(alias);
  return sql<SqlBool>`(${a}.first_name ILIKE ${p} OR ${a}.last_name ILIKE ${p} OR ${a}.email ILIKE ${p}
    OR trim(${a}.first_name || ' ' || ${a}.last_name) ILIKE ${p})`;
}

function union(db: Executor, accountId: number, f: ListFilter, now: number) {
  if (f.state_in_account === 'pending') return pendingBranch(db, accountId, f, now);
  if (f.state_in_account === 'valid') return membersBranch(db, accountId, f);
  return membersBranch(db, accountId, f).unionAll(pendingBranch(db, accountId, f, now));
}

/** Only the list's state is chosen: the members' number is the kept one. */
const unfiltered = (f: ListFilter) =>
  !f.role_type && f.has_billing_access === undefined && !f.user_ids && !f.team_ids && !f.search;

/** How many members and pending invitees match: the members' kept count when nothing filters them. */
function memberCount(db: Executor, accountId: number, f: ListFilter, now: number) {
  const counted = (q: ReturnType<typeof union>) => sql<number>`(SELECT count(*)::int FROM (${q}) x)`;
  if (!unfiltered(f)) return db.selectNoFrom(counted(union(db, accountId, f, now)).as('total'));
  const members = keptTotal(accountId, 'members');
  if (f.state_in_account === 'valid') return db.selectNoFrom(members.as('total'));
  const pending = counted(pendingBranch(db, accountId, f, now));
  if (f.state_in_account === 'pending') return db.selectNoFrom(pending.as('total'));
  return db.selectNoFrom(sql<number>`${members} + ${pending}`.as('total'));
}

/**
 * The rows a page is cut from. In the default order (members by id, then pending invitees by
 * id) each side is cut to the rows up to the page's end first, in its own index order: a page
 * of a hundred thousand members reads its rows, not all of them.
 */
function pageSource(db: Executor, accountId: number, f: ListFilter, now: number, p: ListParams<MemberSortField>) {
  if (p.sort.length) return union(db, accountId, f, now);
  const end = p.offset + p.limit;
  const members = db.selectFrom(membersBranch(db, accountId, f).orderBy('m.user_id').limit(end).as('m')).selectAll();
  const pending = db.selectFrom(pendingBranch(db, accountId, f, now).orderBy('i.id').limit(end).as('p')).selectAll();
  if (f.state_in_account === 'pending') return pending;
  if (f.state_in_account === 'valid') return members;
  return members.unionAll(pending);
}

/** A page of members and pending invitees, and how many match: built once per filter and page. */
const memberPage = shapedPage(
  (db, v: { accountId: number; now: number }, f: ListFilter, p: ListParams<MemberSortField>) => ({
    count: memberCount(db, v.accountId, f, v.now),
    rows: db.selectFrom(pageSource(db, v.accountId, f, v.now, p).as('x')).selectAll(),
  }),
  MEMBER_SORT,
  // Stable pages: members by id, then pending invitees by invitation id.
  sql`x.user_id ASC NULLS LAST, x.invitation_id ASC`,
);

/** The members and pending invitees themselves. */
function memberRows(db: Executor) {
  return {
    /** A page of members and pending invitees, and how many match. */
    list: (accountId: number, f: ListFilter, now: number, p: ListParams<MemberSortField>) =>
      memberPage(db, { accountId, now }, f, p),

    /** One member as the list shows them; undefined when the user is not a member. */
    async findMember(accountId: number, userId: number) {
      const row: UserOrPendingRow | undefined = await membersBranch(db, accountId, {
        user_ids: [userId],
      }).executeTakeFirst();
      return row;
    },
  };
}

/** The organisation's teams the members are in. */
function memberTeams(db: Executor) {
  return {
    /** Teams of the organisation the given users belong to, by user. */
    teamsOfUsers(accountId: number, userIds: number[]) {
      if (!userIds.length) return Promise.resolve([]);
      return db
        .selectFrom('team_members as tm')
        .innerJoin('teams as t', 't.id', 'tm.team_id')
        .select([
          'tm.user_id',
          't.id',
          't.name',
          't.color_id',
          't.owned_by_id',
          't.created_by_id',
          't.created_at',
          't.updated_at',
        ])
        .where('t.account_id', '=', accountId)
        .where('tm.user_id', 'in', userIds)
        .orderBy('t.name')
        .orderBy('t.id')
        .execute();
    },

    teamsByIds(accountId: number, teamIds: number[]) {
      if (!teamIds.length) return Promise.resolve([]);
      return db
        .selectFrom('teams')
        .select(['id', 'name', 'color_id', 'owned_by_id', 'created_by_id', 'created_at', 'updated_at'])
        .where('account_id', '=', accountId)
        .where('id', 'in', teamIds)
        .orderBy('name')
        .orderBy('id')
        .execute();
    },
  };
}

/** The members' rights on the organisation's products, and those products. */
function memberRights(db: Executor) {
  return {
    /** Rights the given users hold on the organisation's live products. */
    rightsOfUsers(accountId: number, userIds: number[]) {
      if (!userIds.length) return Promise.resolve([]);
      return db
        .selectFrom('product_rights as r')
        .innerJoin('products as p', 'p.id', 'r.product_id')
        .select([
          'r.user_id',
          'r.product_id',
          'p.service_id',
          'p.service_name',
          'r.technical',
          'r.statistic',
          'r.check',
          'r.sale',
        ])
        .where('p.account_id', '=', accountId)
        .where('p.deleted_at', 'is', null)
        .where('r.user_id', 'in', userIds)
        .orderBy('r.product_id')
        .execute();
    },

    /** The organisation's live products, for expanding a pending invitation's permissions. */
    products(accountId: number) {
      return db
        .selectFrom('products')
        .select(['id', 'service_id', 'service_name'])
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .execute();
    },
  };
}

/** The invitations behind pending members. */
function memberInvitations(db: Executor) {
  return {
    invitations(accountId: number, ids: number[]) {
      if (!ids.length) return Promise.resolve([]);
      return db
        .selectFrom('invitations')
        .select([
          'id',
          'status',
          'strict',
          'silent',
          'locale',
          'invited_by_id',
          'sent_at',
          'created_at',
          'expired_at',
          'team_ids',
          'permissions',
        ])
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .execute();
    },

    /** Pending invitations of this organisation addressed to the given emails. */
    pendingInvitationsFor(accountId: number, emails: string[], now: number) {
      if (!emails.length) return Promise.resolve([]);
      return db
        .selectFrom('invitations')
        .select(['id', 'email', 'role_type', 'sent_at', 'expired_at'])
        .where('account_id', '=', accountId)
        .where('status', '=', 'pending')
        .where('expired_at', '>', now)
        .where(sql<SqlBool>`lower(email) IN (${sql.join(emails.map((e) => e.toLowerCase()))})`)
        .orderBy('id')
        .execute();
    },
  };
}

export function membersRepository(db: Executor) {
  return { ...memberRows(db), ...memberTeams(db), ...memberRights(db), ...memberInvitations(db) };
}

export interface InvitationRow {
  id: number;
  status: string;
  strict: boolean;
  silent: boolean;
  locale: string;
  invited_by_id: number | null;
  sent_at: number;
  created_at: number;
  expired_at: number;
  team_ids: number[];
  permissions: InvitationPermission[];
}
