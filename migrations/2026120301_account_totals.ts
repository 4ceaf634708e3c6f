import { sql, type Kysely } from 'kysely';

// Totals the database keeps per organisation as rows come and go: how many members and
// invoices it has, and its prepaid balance. A page of a long list then costs the same whatever
// the list's length (counting a million invoices for every page took longer than reading the
// page), and a payment reads the balance in one row instead of summing the whole ledger while
// it holds the organisation's lock.
//
// Statement-level triggers with transition tables add and subtract per statement (a bulk
// insert updates each organisation's row once). A TRUNCATE (reset) sets that table's totals to
// zero. A snapshot saves the totals with the rest; its restore turns the triggers off while it
// puts the rows back.
//
// Locks: a trigger locks the organisation's row of that total (one row per kind) until the
// transaction ends. Invoices and ledger entries are only written under the organisation's row
// lock (docs/design.md), so their totals row is always the second lock taken; a members row is
// locked only by changes of that organisation's members.

const KEPT = [
  { table: 'account_members', kind: 'members', adds: 'count(*)', removable: true },
  { table: 'invoices', kind: 'invoices', adds: 'count(*)', removable: true },
  // Append-only (its trigger refuses updates and deletes): only inserts move the balance.
  { table: 'prepaid_ledger', kind: 'prepaid', adds: 'sum(amount)', removable: false },
] as const;

async function totalsFunctions(db: Kysely<any>) {
  for (const [name, adds] of [
    ['totals_count_added', 'count(*)'],
    ['totals_sum_added', 'sum(amount)'],
  ]) {
    await sql`CREATE FUNCTION ${sql.id(name)}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO account_totals (account_id, kind, value)
          SELECT account_id, TG_ARGV[0], ${sql.raw(adds)} FROM added GROUP BY account_id
          ON CONFLICT (account_id, kind) DO UPDATE SET value = account_totals.value + EXCLUDED.value;
        RETURN NULL;
      END $$`.execute(db);
  }
  await sql`CREATE FUNCTION totals_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE account_totals k SET value = k.value - r.n
        FROM (SELECT account_id, count(*) AS n FROM removed GROUP BY account_id) r
        WHERE k.account_id = r.account_id AND k.kind = TG_ARGV[0];
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE FUNCTION totals_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE account_totals SET value = 0 WHERE kind = TG_ARGV[0] AND value <> 0;
      RETURN NULL;
    END $$`.execute(db);
}

async function totalsTriggers(db: Kysely<any>, { table, kind, adds, removable }: (typeof KEPT)[number]) {
  const t = sql.table(table);
  const trigger = (what: string) => sql.id(`${table}_total_${what}`);
  const added = sql.id(adds === 'count(*)' ? 'totals_count_added' : 'totals_sum_added');
  await sql`CREATE TRIGGER ${trigger('added')} AFTER INSERT ON ${t} REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ${added}(${sql.lit(kind)})`.execute(db);
  if (removable) {
    await sql`CREATE TRIGGER ${trigger('removed')} AFTER DELETE ON ${t} REFERENCING OLD TABLE AS removed
      FOR EACH STATEMENT EXECUTE FUNCTION totals_count_removed(${sql.lit(kind)})`.execute(db);
  }
  await sql`CREATE TRIGGER ${trigger('emptied')} AFTER TRUNCATE ON ${t}
    FOR EACH STATEMENT EXECUTE FUNCTION totals_emptied(${sql.lit(kind)})`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE account_totals (
    account_id integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('members', 'invoices', 'prepaid')),
    value bigint NOT NULL,
    PRIMARY KEY (account_id, kind)
  )`.execute(db);
  await totalsFunctions(db);
  for (const kept of KEPT) {
    await totalsTriggers(db, kept);
    await sql`INSERT INTO account_totals (account_id, kind, value)
      SELECT account_id, ${sql.lit(kept.kind)}, ${sql.raw(kept.adds)} FROM ${sql.table(kept.table)} GROUP BY account_id`.execute(
      db,
    );
  }
  // A page of invoices in their default order (newest issued first), read from the index
  // instead of sorting them all.
  await sql`CREATE INDEX invoices_account_newest ON invoices (account_id, issued_at DESC, id DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX invoices_account_newest`.execute(db);
  for (const { table, removable } of KEPT) {
    for (const what of removable ? ['added', 'removed', 'emptied'] : ['added', 'emptied'])
      await sql`DROP TRIGGER ${sql.id(`${table}_total_${what}`)} ON ${sql.table(table)}`.execute(db);
  }
  for (const fn of ['totals_count_added', 'totals_sum_added', 'totals_count_removed', 'totals_emptied'])
    await sql`DROP FUNCTION ${sql.id(fn)}()`.execute(db);
  await sql`DROP TABLE account_totals`.execute(db);
}
