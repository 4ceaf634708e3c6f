import t from 'tap';
import { Migrator, sql } from 'kysely';
import { testDatabase } from '../helper.js';
import { migrateToLatest, migrateToNothing } from '../../src/db/migrate.js';
import { migrations } from '../../migrations/index.js';
import { createUser } from '../factories/users.js';

// Every migration can be undone: down to an empty schema, newest first, then up again to a
// schema the app works on. A `down` that forgets a table or a column fails here.

t.test('all the way down and back up', async (t) => {
  const { db } = await testDatabase(t);
  const tables = async () =>
    (
      await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
      AND table_name NOT LIKE 'kysely_%'`.execute(db)
    ).rows.map((r) => r.table_name);
  t.ok((await tables()).length > 20, 'migrated to begin with');

  const undone = await migrateToNothing(db);
  t.same(undone, Object.keys(migrations).reverse(), 'every migration undone, newest first');
  t.same(await tables(), [], 'nothing left behind');
  const fns = await sql<{ proname: string }>`SELECT proname FROM pg_proc WHERE proname = 'mirror_now'`.execute(db);
  t.same(fns.rows, [], 'the clock function is gone too');

  t.same(await migrateToLatest(db), Object.keys(migrations), 'and every one applied again');
  const u = await createUser(db);
  t.ok(u.id, 'the schema works: a user, an organisation, a token');
});

t.test(
  "2026120501: a phone's reminder null becomes 'false', and only 'true' or 'false' is stored after it",
  async (t) => {
    const { db } = await testDatabase(t);
    const u = await createUser(db);
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const names = Object.keys(migrations);
    const before = names[names.indexOf('2026120501_phone_reminder') - 1];
    t.notOk((await migrator.migrateTo(before)).error, `down to ${before}`);
    await sql`INSERT INTO user_phones (user_id, phone, type, reminder) VALUES
    (${u.id}, '+41 79 000 00 01', 'personal', NULL), (${u.id}, '+41 79 000 00 02', 'personal', 'true')`.execute(db);

    t.notOk((await migrator.migrateTo('2026120501_phone_reminder')).error, 'up again');
    const rows = await db.selectFrom('user_phones').select(['phone', 'reminder']).orderBy('phone').execute();
    t.same(
      rows.map((r) => r.reminder),
      ['false', 'true'],
    );
    await t.rejects(
      sql`INSERT INTO user_phones (user_id, phone, type, reminder) VALUES (${u.id}, '+41', 'personal', 'sms')`.execute(
        db,
      ),
      { message: /user_phones_reminder/ },
    );
    const added = await db
      .insertInto('user_phones')
      .values({ user_id: u.id, phone: '+41 79 000 00 03', type: 'personal' })
      .returning('reminder')
      .executeTakeFirstOrThrow();
    t.equal(added.reminder, 'false', 'the default');
    t.same(await migrateToLatest(db), names.slice(names.indexOf('2026120501_phone_reminder') + 1));
  },
);

t.test('2026120601: mirror_now() keeps its value as a PL/pgSQL function (its plan kept per session)', async (t) => {
  const { db } = await testDatabase(t);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const names = Object.keys(migrations);
  const before = names[names.indexOf('2026120601_clock_plpgsql') - 1];
  await sql`UPDATE mirror_clock SET offset_seconds = 3600`.execute(db);
  const clock = async () =>
    (
      await sql<{ lang: string; skew: string }>`
    SELECT (SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname = 'mirror_now') AS lang,
      mirror_now() - (floor(EXTRACT(epoch FROM now()))::bigint + 3600) AS skew`.execute(db)
    ).rows[0];
  t.same(await clock(), { lang: 'plpgsql', skew: '0' }, 'PL/pgSQL, the wall clock plus the offset, floored');
  t.notOk((await migrator.migrateTo(before)).error, `down to ${before}`);
  t.same(await clock(), { lang: 'sql', skew: '0' }, 'down: the SQL function again, the same value');
  t.same(await migrateToLatest(db), names.slice(names.indexOf('2026120601_clock_plpgsql')));
});
