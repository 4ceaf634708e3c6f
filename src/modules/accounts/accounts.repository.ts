import {
  sql,
  type ExpressionBuilder,
  type Insertable,
  type RawBuilder,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { Executor } from '../../db/database.js';
import { keptTotal } from '../../db/kept-totals.js';
import { shapedPage, sortFields, type SortColumns } from '../../db/paged.js';
import { shaped } from '../../db/shaped.js';
import type { AccountAddressesTable, AccountsTable, Database } from '../../db/types.js';
import type { ListParams } from '../../shared/pagination.js';
import { jsonArrayFrom } from 'kysely/helpers/postgres';

const ACCOUNT_COLUMNS = [
  'a.id',
  'a.name',
  'a.currency',
  'a.legal_entity_type',
  'a.timezone',
  'a.locale',
  'a.language_id',
  'a.website',
  'a.phone',
  'a.fax',
  'a.vat_number',
  'a.field1',
  'a.field2',
  'a.has_2fa_required',
  'a.is_blocked',
  'a.blocked_at',
  'a.support_level',
  'a.support_premium_until',
  'a.created_at',
] as const;
const ADDRESS_COLUMNS = [
  'id',
  'account_id',
  'street',
  'street2',
  'zip',
  'city',
  'country_id',
  'type',
  'for_invoice',
  'created_at',
] as const;

// Names sort case-insensitively, the same on every database whatever its collation.
const ACCOUNT_SORT = {
  id: sql.ref('a.id'),
  name: sql`lower(a.name)`,
  created_at: sql.ref('a.created_at'),
} satisfies SortColumns<string>;
export const ACCOUNT_SORTS = sortFields(ACCOUNT_SORT);

/**
 * SQL condition: the product `p` is one the user `userId` may see in the organisation `m`
 * (the user's account_members row). Owners and admins see every product; a normal member
 * only those on which they hold at least one right (as the products module decides).
 */
export function productVisible(userId: number, product = 'p', member = 'm'): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${member}.role_type`)} IN ('owner', 'admin') OR EXISTS (
    SELECT 1 FROM product_rights r
    WHERE r.product_id = ${sql.ref(`${product}.id`)} AND r.user_id = ${userId}
      AND (r.technical OR r.statistic OR r."check" OR r.sale)))`;
}

/** Where the account statement's subqueries stand: the organisation `a`. */
type AccountScope = ExpressionBuilder<Database & { a: AccountsTable }, 'a'>;

/** The organisation's addresses, as a JSON array in the row of `a`. */
const addressesOf = (eb: AccountScope) =>
  jsonArrayFrom(
    eb
      .selectFrom('account_addresses as ad')
      .select(ADDRESS_COLUMNS.map((c) => `ad.${c}` as const))
      .whereRef('ad.account_id', '=', 'a.id')
      .orderBy('ad.id'),
  );

/** The organisation's tags, each counting only the products the member `m` may see. */
const tagsOf = (eb: AccountScope, userId: number) =>
  jsonArrayFrom(
    eb
      .selectFrom('tags as t')
      .select(['t.id', 't.name', 't.color'])
      .select(
        sql<number>`(SELECT count(*)::int FROM product_tags pt JOIN products p ON p.id = pt.product_id
          WHERE pt.tag_id = t.id AND p.deleted_at IS NULL AND ${productVisible(userId)})`.as('product_count'),
      )
      .whereRef('t.account_id', '=', 'a.id')
      .orderBy('t.id'),
  );

/**
 * The organisations `userId` belongs to, each with the caller's membership, the counts the
 * account object shows, its addresses and its tags: one statement whatever the number of
 * organisations (correlated subqueries, the lists as JSON arrays), since every statement
 * is a round trip that costs more than the query itself.
 */
function memberAccounts(db: Executor, userId: number, now: number) {
  return db
    .selectFrom('accounts as a')
    .innerJoin('account_members as m', (j) => j.onRef('m.account_id', '=', 'a.id').on('m.user_id', '=', userId))
    .select(ACCOUNT_COLUMNS)
    .select(['m.role_type', 'm.has_billing_access', 'm.has_mailing', 'm.has_billing_mailing'])
    .select([
      keptTotal(sql.ref('a.id'), 'members').as('nb_users'),
      sql<number>`(SELECT count(*)::int FROM account_members c WHERE c.account_id = a.id AND c.role_type = 'owner')`.as(
        'count_owners',
      ),
      sql<number>`(SELECT count(*)::int FROM invitations i WHERE i.account_id = a.id AND i.status = 'pending' AND i.expired_at > ${now})`.as(
        'nb_invitations',
      ),
      sql<boolean>`EXISTS (SELECT 1 FROM products p WHERE p.account_id = a.id AND p.deleted_at IS NULL)`.as(
        'is_customer',
      ),
    ])
    .select((eb) => [addressesOf(eb).as('addresses'), tagsOf(eb, userId).as('tags')]);
}

export type AccountRow = Awaited<ReturnType<ReturnType<typeof memberAccounts>['execute']>>[number];
export type AddressRow = AccountRow['addresses'][number];
export type TagRow = AccountRow['tags'][number];

/** The organisations of a user, a page and their count: built once per page (shaped.ts). */
const accountPage = shapedPage(
  (db, v: { userId: number; now: number }) => ({
    count: db
      .selectFrom('account_members')
      .select(sql<number>`count(*)::int`.as('total'))
      .where('user_id', '=', v.userId),
    rows: memberAccounts(db, v.userId, v.now),
  }),
  ACCOUNT_SORT,
  sql.ref('a.id'),
);

/** One organisation as its member sees it, built once (shaped.ts). */
const oneAccount = shaped((db, v: { userId: number; accountId: number; now: number }) => ({
  row: memberAccounts(db, v.userId, v.now).where('a.id', '=', v.accountId),
}));

/** The account object: the organisations as their member sees them, their addresses and tags. */
function accountObjects(db: Executor) {
  return {
    /** A page of the organisations `userId` belongs to, and how many they are. */
    list: (userId: number, now: number, p: ListParams<keyof typeof ACCOUNT_SORT>) =>
      accountPage(db, { userId, now }, null, p),

    /** One organisation as its member `userId` sees it; undefined when they are not a member. */
    async one(userId: number, accountId: number, now: number) {
      const [row] = await oneAccount(db, { userId, accountId, now }, null).row();
      return row;
    },
  };
}

/** Changing an organisation's details; what it holds (products per service, teams). */
function accountDetails(db: Executor) {
  return {
    /** Whether anything was ever billed: an invoice, a payment or a prepaid movement. */
    async billed(accountId: number): Promise<boolean> {
      const found = await db
        .selectFrom('invoices')
        .select('id')
        .where('account_id', '=', accountId)
        .union(db.selectFrom('payments').select('id').where('account_id', '=', accountId))
        .union(db.selectFrom('prepaid_ledger').select('id').where('account_id', '=', accountId))
        .limit(1)
        .executeTakeFirst();
      return found !== undefined;
    },

    update: (accountId: number, changes: Updateable<AccountsTable>) =>
      db.updateTable('accounts').set(changes).where('id', '=', accountId).execute(),

    async replaceAddresses(accountId: number, rows: Omit<Insertable<AccountAddressesTable>, 'account_id'>[]) {
      await db.deleteFrom('account_addresses').where('account_id', '=', accountId).execute();
      if (rows.length)
        await db
          .insertInto('account_addresses')
          .values(rows.map((r) => ({ ...r, account_id: accountId })))
          .execute();
    },

    /** Products per service, counting for a normal member only those they hold a right on. */
    services: (userId: number, accountId: number) =>
      db
        .selectFrom('products as p')
        .innerJoin('account_members as m', (j) =>
          j.onRef('m.account_id', '=', 'p.account_id').on('m.user_id', '=', userId),
        )
        .select(['p.service_id as id', 'p.service_name as name', sql<number>`count(*)::int`.as('count')])
        .where('p.account_id', '=', accountId)
        .where('p.deleted_at', 'is', null)
        .where(productVisible(userId))
        .groupBy(['p.service_id', 'p.service_name'])
        .orderBy('p.service_id')
        .execute(),

    basicTeams: (accountId: number) =>
      db
        .selectFrom('teams as t')
        .select(['t.id', 't.name', 't.color_id'])
        .select(sql<number>`(SELECT count(*)::int FROM team_members tm WHERE tm.team_id = t.id)`.as('user_count'))
        .where('t.account_id', '=', accountId)
        .orderBy(sql`lower(t.name)`)
        .orderBy('t.id')
        .execute(),
  };
}

export const accountsRepository = (db: Executor) => ({ ...accountObjects(db), ...accountDetails(db) });

/** Row locks of the organisation, held until the transaction ends. */
export function accountLocks(trx: Transaction<Database>) {
  return {
    /** The organisation's currency, its row locked against orders and payments. */
    currency: (accountId: number) =>
      trx
        .selectFrom('accounts')
        .select('currency')
        .where('id', '=', accountId)
        .forNoKeyUpdate()
        .executeTakeFirstOrThrow(),
  };
}
