import { sql, type Kysely } from 'kysely';

// How many members and invoices each organisation has, kept by the database as rows come and
// go, so that a page of a long list costs the same whatever the list's length: counting a
// million invoices for every page took longer than reading the page.
//
// Statement-level triggers with transition tables add and subtract per statement (a bulk
// insert updates each organisation's row once). A TRUNCATE (reset) sets the table's counts to
// zero. A snapshot saves these counts with the rest and its restore turns the triggers off
// while it puts the rows back.
//
// Lock order: a trigger locks the organisation's counts row until the transaction ends. Every
// path that adds or removes invoices or members takes the organisation's row lock first (see
// docs/design.md), so the counts row is always the second lock and no cycle can form.

const COUNTED = [
  { table: 'account_members', column: 'members' },
  { table: 'invoices', column: 'invoices' },
] as const;

async function countingFunctions(db: Kysely<any>, column: string) {
  const c = sql.id(column);
  await sql`CREATE FUNCTION ${sql.id(`count_${column}_added`)}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO account_counts (account_id, ${c})
        SELECT account_id, count(*) FROM added GROUP BY account_id
        ON CONFLICT (account_id) DO UPDATE SET ${c} = account_counts.${c} + EXCLUDED.${c};
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE FUNCTION ${sql.id(`count_${column}_removed`)}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE account_counts k SET ${c} = k.${c} - r.n
        FROM (SELECT account_id, count(*) AS n FROM removed GROUP BY account_id) r
        WHERE k.account_id = r.account_id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE FUNCTION ${sql.id(`count_${column}_emptied`)}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE account_counts SET ${c} = 0 WHERE ${c} <> 0;
      RETURN NULL;
    END $$`.execute(db);
}

async function countingTriggers(db: Kysely<any>, table: string, column: string) {
  const t = sql.table(table);
  const fn = (what: string) => sql.id(`count_${column}_${what}`);
  const trigger = (what: string) => sql.id(`${table}_count_${what}`);
  await sql`CREATE TRIGGER ${trigger('added')} AFTER INSERT ON ${t} REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ${fn('added')}()`.execute(db);
  await sql`CREATE TRIGGER ${trigger('removed')} AFTER DELETE ON ${t} REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION ${fn('removed')}()`.execute(db);
  await sql`CREATE TRIGGER ${trigger('emptied')} AFTER TRUNCATE ON ${t}
    FOR EACH STATEMENT EXECUTE FUNCTION ${fn('emptied')}()`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE account_counts (
    account_id integer PRIMARY KEY,
    members integer NOT NULL DEFAULT 0,
    invoices integer NOT NULL DEFAULT 0
  )`.execute(db);
  for (const { table, column } of COUNTED) {
    await countingFunctions(db, column);
    await countingTriggers(db, table, column);
  }
  await sql`INSERT INTO account_counts (account_id, members, invoices)
    SELECT a.id,
      (SELECT count(*) FROM account_members m WHERE m.account_id = a.id),
      (SELECT count(*) FROM invoices i WHERE i.account_id = a.id)
    FROM accounts a`.execute(db);
  // A page of invoices in their default order (newest issued first), read from the index
  // instead of sorting them all.
  await sql`CREATE INDEX invoices_account_newest ON invoices (account_id, issued_at DESC, id DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX invoices_account_newest`.execute(db);
  for (const { table, column } of COUNTED) {
    for (const what of ['added', 'removed', 'emptied']) {
      await sql`DROP TRIGGER ${sql.id(`${table}_count_${what}`)} ON ${sql.table(table)}`.execute(db);
      await sql`DROP FUNCTION ${sql.id(`count_${column}_${what}`)}()`.execute(db);
    }
  }
  await sql`DROP TABLE account_counts`.execute(db);
}
