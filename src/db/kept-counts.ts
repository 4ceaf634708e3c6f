import { sql, type RawBuilder } from 'kysely';

// The counts the database keeps per organisation (account_counts, kept by triggers): read in
// one index lookup however long the list. Only a list's unfiltered count can be read here.

export type KeptCount = 'members' | 'invoices';

/** SQL: how many members or invoices the organisation has (0 for one that never had any). */
export const keptCount = (accountId: number | RawBuilder<number>, list: KeptCount): RawBuilder<number> =>
  sql<number>`coalesce((SELECT k.${sql.ref(list)} FROM account_counts k WHERE k.account_id = ${accountId}), 0)`;
