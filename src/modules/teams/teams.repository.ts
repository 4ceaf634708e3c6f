import { sql, type ExpressionBuilder, type SelectQueryBuilder, type Transaction } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Executor } from '../../db/database.js';
import type { Database, ProductRight } from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';
import { pageOf, shapedPage, sortFields, type SortColumns } from '../../db/paged.js';
import { USER_SUMMARY_COLUMNS } from '../../shared/user-summary.js';
import type { TeamFilters } from './teams.schemas.js';

// A team's members are counted and listed only while they belong to the team's organisation,
// so a team never shows someone who has left it, whatever order the removals ran in.

type TeamsEb = ExpressionBuilder<Database, 'teams'>;

const userCount = (eb: TeamsEb) =>
  eb
    .selectFrom('team_members as tm')
    .innerJoin('account_members as am', (j) =>
      j.onRef('am.user_id', '=', 'tm.user_id').onRef('am.account_id', '=', 'teams.account_id'),
    )
    .select((e) => e.fn.countAll<number>().as('n'))
    .whereRef('tm.team_id', '=', 'teams.id');

const productCount = (eb: TeamsEb) =>
  eb
    .selectFrom('products as p')
    .select(sql<number>`count(DISTINCT p.id)`.as('n'))
    .whereRef('p.account_id', '=', 'teams.account_id')
    .where('p.deleted_at', 'is', null)
    .where('p.service_id', 'in', (e) =>
      e.selectFrom('team_permissions as tp').select('tp.service_id').whereRef('tp.team_id', '=', 'teams.id'),
    );

const serviceCount = (eb: TeamsEb) =>
  eb
    .selectFrom('team_permissions as tp')
    .select(sql<number>`count(DISTINCT tp.service_id)`.as('n'))
    .whereRef('tp.team_id', '=', 'teams.id');

/** The team's permissions, a JSON array in its row (service order). */
const permissions = (eb: TeamsEb) =>
  jsonArrayFrom(
    eb
      .selectFrom('team_permissions as tperm')
      .select(['tperm.service_id', 'tperm.rights'])
      .whereRef('tperm.team_id', '=', 'teams.id')
      .orderBy('tperm.service_id')
      .orderBy('tperm.rights'),
  );

/** A user the team names (its owner, its creator), as a JSON object in its row. */
const summaryOf = (eb: TeamsEb, column: 'teams.owned_by_id' | 'teams.created_by_id') =>
  jsonObjectFrom(
    eb
      .selectFrom('users as su')
      .select(USER_SUMMARY_COLUMNS.map((c) => `su.${c}` as const))
      .whereRef('su.id', '=', column),
  );

const TEAM_COLUMNS = [
  'teams.id',
  'teams.name',
  'teams.color_id',
  'teams.owned_by_id',
  'teams.created_by_id',
  'teams.created_at',
  'teams.updated_at',
] as const;

function selectTeams(db: Executor, accountId: number) {
  return db
    .selectFrom('teams')
    .select(TEAM_COLUMNS)
    .select((eb) => [
      userCount(eb).as('user_count'),
      productCount(eb).as('product_count'),
      serviceCount(eb).as('product_by_service_count'),
      permissions(eb).as('permissions'),
      summaryOf(eb, 'teams.owned_by_id').as('owned_by'),
      summaryOf(eb, 'teams.created_by_id').as('created_by'),
    ])
    .where('teams.account_id', '=', accountId);
}
export type TeamRow = Awaited<ReturnType<ReturnType<typeof selectTeams>['executeTakeFirstOrThrow']>>;

const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered<O>(q: SelectQueryBuilder<Database, 'teams', O>, f: TeamFilters, search?: string) {
  if (f.team_ids?.length) q = q.where('teams.id', 'in', f.team_ids);
  if (f.owned_by_ids?.length) q = q.where('teams.owned_by_id', 'in', f.owned_by_ids);
  if (f.created_by_ids?.length) q = q.where('teams.created_by_id', 'in', f.created_by_ids);
  if (f.user_ids?.length) {
    const ids = f.user_ids;
    q = q.where('teams.id', 'in', (eb) =>
      eb
        .selectFrom('team_members as tm')
        .innerJoin('account_members as am', (j) =>
          j.onRef('am.user_id', '=', 'tm.user_id').onRef('am.account_id', '=', 'teams.account_id'),
        )
        .select('tm.team_id')
        .where('tm.user_id', 'in', ids),
    );
  }
  if (search) q = q.where('teams.name', 'ilike', escapeLike(search));
  return q;
}

const TEAM_SORT = {
  id: sql`teams.id`,
  name: sql`lower(teams.name)`,
  color_id: sql`teams.color_id`,
  created_at: sql`teams.created_at`,
  updated_at: sql`teams.updated_at`,
  user_count: sql`user_count`,
  product_count: sql`product_count`,
} satisfies SortColumns<string>;
export const TEAM_SORTABLE = sortFields(TEAM_SORT);

const USER_SORT = {
  id: sql`u.id`,
  display_name: sql`lower(u.first_name || ' ' || u.last_name)`,
  first_name: sql`lower(u.first_name)`,
  last_name: sql`lower(u.last_name)`,
  email: sql`lower(u.email)`,
  last_login_at: sql`u.last_login_at`,
} satisfies SortColumns<string>;
export const TEAM_USER_SORTABLE = sortFields(USER_SORT);

/** A page of an organisation's teams and their count, built once per filter and page (shaped.ts). */
const teamPage = shapedPage(
  (db, v: { accountId: number }, { f, search }: { f: TeamFilters; search: string | undefined }) => ({
    count: filtered(db.selectFrom('teams').where('teams.account_id', '=', v.accountId), f, search).select((eb) =>
      eb.fn.countAll<number>().as('total'),
    ),
    rows: filtered(selectTeams(db, v.accountId), f, search),
  }),
  TEAM_SORT,
  sql`teams.id`,
);

/** The team rows: listing, finding, naming, writing. */
function teamRecords(db: Executor) {
  return {
    list: (accountId: number, f: TeamFilters, search: string | undefined, p: ListParams<keyof typeof TEAM_SORT>) =>
      teamPage(db, { accountId }, { f, search }, p),

    find: (accountId: number, teamId: number) =>
      selectTeams(db, accountId).where('teams.id', '=', teamId).executeTakeFirst(),

    /** Another team of the organisation with this name, whatever the case. */
    async nameTaken(accountId: number, name: string, exceptId?: number) {
      let q = db
        .selectFrom('teams')
        .select('id')
        .where('account_id', '=', accountId)
        .where(sql`lower(name)`, '=', name.toLowerCase());
      if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },

    insert(row: { account_id: number; name: string; color_id: number; owned_by_id: number; created_by_id: number }) {
      return db.insertInto('teams').values(row).returning('id').executeTakeFirstOrThrow();
    },

    update(teamId: number, set: { name?: string; color_id?: number; owned_by_id?: number; updated_at: number }) {
      return db.updateTable('teams').set(set).where('id', '=', teamId).execute();
    },

    remove: (accountId: number, teamId: number) =>
      db
        .deleteFrom('teams')
        .where('account_id', '=', accountId)
        .where('id', '=', teamId)
        .returning('id')
        .executeTakeFirst(),
  };
}

/** The services a team's permissions name. */
function teamPermissions(db: Executor) {
  return {
    async replacePermissions(teamId: number, perms: { service_id: number; rights: ProductRight }[]) {
      await db.deleteFrom('team_permissions').where('team_id', '=', teamId).execute();
      if (perms.length)
        await db
          .insertInto('team_permissions')
          .values(perms.map((p) => ({ team_id: teamId, ...p })))
          .execute();
    },
  };
}

/** The teams themselves and the services their permissions name. */
function teamRows(db: Executor) {
  return { ...teamRecords(db), ...teamPermissions(db) };
}

/** Adding and removing a team's users, and reading who they are. */
function teamMembership(db: Executor) {
  return {
    /** Members of the organisation in these teams, in name order. */
    membersOf(accountId: number, teamIds: number[]) {
      if (!teamIds.length) return Promise.resolve([]);
      return db
        .selectFrom('team_members as tm')
        .innerJoin('account_members as am', (j) =>
          j.onRef('am.user_id', '=', 'tm.user_id').on('am.account_id', '=', accountId),
        )
        .innerJoin('users as u', 'u.id', 'tm.user_id')
        .select(['tm.team_id', ...USER_SUMMARY_COLUMNS.map((c) => `u.${c}` as const)])
        .where('tm.team_id', 'in', teamIds)
        .orderBy(sql`lower(u.first_name || ' ' || u.last_name)`)
        .orderBy('u.id')
        .execute();
    },

    addMembers(teamId: number, userIds: number[]) {
      return db
        .insertInto('team_members')
        .values(userIds.map((user_id) => ({ team_id: teamId, user_id })))
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
        .execute();
    },

    removeMembers: (teamId: number, userIds: number[]) =>
      db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', 'in', userIds).execute(),
  };
}

/** A team's users as a page, and the teams of given users. */
function teamUserLists(db: Executor) {
  return {
    listUsers(accountId: number, teamId: number, search: string | undefined, p: ListParams<keyof typeof USER_SORT>) {
      let base = db
        .selectFrom('team_members as tm')
        .innerJoin('account_members as am', (j) =>
          j.onRef('am.user_id', '=', 'tm.user_id').on('am.account_id', '=', accountId),
        )
        .innerJoin('users as u', 'u.id', 'tm.user_id')
        .where('tm.team_id', '=', teamId);
      if (search) {
        const like = escapeLike(search);
        base = base.where((eb) =>
          eb.or([eb(sql`u.first_name || ' ' || u.last_name`, 'ilike', like), eb('u.email', 'ilike', like)]),
        );
      }
      const count = base.select((eb) => eb.fn.countAll<number>().as('total'));
      const rows = base.select(['u.id', 'u.first_name', 'u.last_name', 'u.email', 'u.is_sso', 'u.last_login_at']);
      return pageOf(count, rows, p, USER_SORT, sql`u.id`);
    },

    /** The organisation's teams each of these users is in, with their member counts. */
    teamsOfUsers(accountId: number, userIds: number[]) {
      if (!userIds.length) return Promise.resolve([]);
      return db
        .selectFrom('team_members as m')
        .innerJoin('teams', 'teams.id', 'm.team_id')
        .select(['m.user_id', 'teams.id', 'teams.name', 'teams.color_id', 'teams.created_at', 'teams.updated_at'])
        .select((eb) => userCount(eb).as('user_count'))
        .where('teams.account_id', '=', accountId)
        .where('m.user_id', 'in', userIds)
        .orderBy(sql`lower(teams.name)`)
        .orderBy('teams.id')
        .execute();
    },
  };
}

/** Who is in which team: the members of the organisation only. */
function teamUsers(db: Executor) {
  return { ...teamMembership(db), ...teamUserLists(db) };
}
export const teamsRepository = (db: Executor) => ({ ...teamRows(db), ...teamUsers(db) });
export type TeamsRepository = ReturnType<typeof teamsRepository>;

/** Row locks of a team and of memberships, held until the transaction ends. */
export function teamLocks(trx: Transaction<Database>) {
  return {
    /** The bare row, locked for the rest of the transaction (`share`: others may read-lock it too). */
    team(accountId: number, teamId: number, mode: 'update' | 'share') {
      const q = trx
        .selectFrom('teams')
        .select(['id', 'name', 'owned_by_id'])
        .where('account_id', '=', accountId)
        .where('id', '=', teamId);
      return (mode === 'update' ? q.forUpdate() : q.forShare()).executeTakeFirst();
    },

    /** Which of these users belong to the organisation; their membership rows stay share-locked. */
    async membersAmong(accountId: number, userIds: number[]) {
      const rows = await trx
        .selectFrom('account_members')
        .select('user_id')
        .where('account_id', '=', accountId)
        .where('user_id', 'in', userIds)
        .forShare()
        .execute();
      return new Set(rows.map((r) => r.user_id));
    },
  };
}
