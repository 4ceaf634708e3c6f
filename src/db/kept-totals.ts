import { sql, type RawBuilder } from 'kysely';

// The totals the database keeps per organisation (account_totals, kept by triggers: migration
// 2026120301): read in one index lookup however long the list or the ledger. Only a list's
// unfiltered count can be read here.

export type KeptTotal = 'members' | 'invoices' | 'prepaid';

/** SQL: the organisation's number of members or invoices, or its prepaid balance (0 when it never had any). */
export const keptTotal = (accountId: number | RawBuilder<unknown>, kind: KeptTotal): RawBuilder<number> =>
  sql<number>`coalesce((SELECT k.value FROM account_totals k WHERE k.account_id = ${accountId} AND k.kind = ${sql.lit(kind)}), 0)`;
