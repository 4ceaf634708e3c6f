import t from 'tap';
import { sql } from 'kysely';
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
