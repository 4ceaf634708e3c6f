import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { addOwner, insertAccount, insertMembers } from './seed.js';

// "Flat cost as data grows": organisations of a few members and invoices and of very many,
// with the same owner, so a page of each can be compared under the same load. Set-based SQL
// (INSERT … SELECT generate_series) in the throwaway database: a million invoices in seconds.

export async function seedGrowthOrg(db: Db, ownerId: number, members: number, invoices: number): Promise<number> {
  const accountId = await insertAccount(db, `growth organisation (${members} members, ${invoices} invoices)`);
  await addOwner(db, accountId, ownerId);
  await insertMembers(db, accountId, members - 1, `growth${members}`);
  const now = Math.floor(Date.now() / 1000);
  await sql`
    INSERT INTO invoices (account_id, number, kind, status, currency, subtotal, total, issued_at, due_at, paid_at)
    SELECT ${accountId}, 'GROW-' || ${accountId} || '-' || g, 'renewal',
           CASE WHEN g % 5 = 0 THEN 'unpaid' ELSE 'paid' END, 'CHF', 500, 500,
           ${now}::bigint - g, ${now}::bigint - g + 2592000, CASE WHEN g % 5 = 0 THEN NULL ELSE ${now}::bigint - g END
    FROM generate_series(1, ${invoices}::int) AS g`.execute(db);
  await sql`ANALYZE`.execute(db);
  return accountId;
}
