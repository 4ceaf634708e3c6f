import t from 'tap';
import { sql } from 'kysely';
import { ADMIN_TOKEN, bearer, buildTestApp, call, type Method, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { clockOffset } from '../../../src/shared/time.js';
import { parentsFirst } from '../../../src/modules/mirror/snapshots.js';

// Snapshots: the whole state saved under a name and put back exactly, the rows, the ids
// that come next and the clock, even after a reset.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const admin = (method: Method, url: string, payload?: object) => call(app, ADMIN_TOKEN, method, url, payload);
const as = (u: TestUser, method: Method, url: string, payload?: object) => call(app, u.token, method, url, payload);

/** Every row of every table of data, as JSON, sorted: two equal dumps are the same state. */
async function dump(): Promise<Record<string, string[]>> {
  const { rows } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
      AND table_name NOT IN ('prices', 'mirror_secrets', 'kysely_migration', 'kysely_migration_lock') ORDER BY 1`.execute(
    app.db,
  );
  const out: Record<string, string[]> = {};
  for (const { name } of rows) {
    const { rows: all } = await sql<{ row: string }>`SELECT to_jsonb(t)::text AS row FROM ${sql.table(name)} t`.execute(
      app.db,
    );
    out[name] = all.map((r) => r.row).sort();
  }
  return out;
}
const countOf = (table: string) => async () =>
  Object.fromEntries(Object.entries(await dump()).map(([k, v]) => [k, v.length]))[table];
const users = countOf('users');

/** What the user sees through the API. */
const view = async (u: TestUser) => ({
  profile: (await as(u, 'GET', '/2/profile')).json(),
  tags: (await as(u, 'GET', `/1/accounts/${u.accountId}/tags`)).json(),
  teams: (await as(u, 'GET', `/1/accounts/${u.accountId}/teams`)).json(),
  logs: (await as(u, 'GET', '/2/profile/logs?per_page=100')).json(),
});

t.test('tables are restored parents first; foreign keys in a circle cannot be', async (t) => {
  const edges = [
    { child: 'tags', parent: 'accounts' },
    { child: 'accounts', parent: 'users' },
    { child: 'products', parent: 'products' },
    { child: 'tags', parent: 'prices' },
  ];
  t.same(parentsFirst(['tags', 'products', 'accounts', 'users'], edges), ['products', 'users', 'accounts', 'tags']);
  t.throws(
    () =>
      parentsFirst(
        ['a', 'b', 'c'],
        [
          { child: 'a', parent: 'b' },
          { child: 'b', parent: 'a' },
        ],
      ),
    /circle between a, b/,
  );
});

t.test('the admin token only, and a name that fits', async (t) => {
  t.equal((await app.inject({ method: 'POST', url: '/_mirror/snapshots', payload: { name: 'x' } })).statusCode, 401);
  t.equal((await app.inject({ method: 'GET', url: '/_mirror/snapshots' })).statusCode, 401);
  t.equal((await app.inject({ method: 'POST', url: '/_mirror/snapshots/x/restore' })).statusCode, 401);
  t.equal((await app.inject({ method: 'DELETE', url: '/_mirror/snapshots/x' })).statusCode, 401);
  for (const name of ['', 'Upper', '-lead', '_lead', 'a'.repeat(33), 'sp ace', 'dot.ted', 'quo"te']) {
    const res = await admin('POST', '/_mirror/snapshots', { name });
    t.equal(res.statusCode, 422, `${JSON.stringify(name)} refused`);
    t.equal(res.json().error.code, 'validation_failed');
    t.same(failedAttributes(res.json()), ['name']);
  }
  t.same(failedAttributes((await admin('POST', '/_mirror/snapshots', {})).json()), ['name']);
  t.same((await admin('GET', '/_mirror/snapshots')).json().data, [], 'none was made');
});

t.test('save, change everything, restore: the same state, the same next ids, the same clock', async (t) => {
  const empty = await admin('POST', '/_mirror/snapshots', { name: 'empty' });
  t.equal(empty.statusCode, 201, empty.body);
  t.match(
    empty.json().data,
    { name: 'empty', rows: 1, tables: Number, ms: Number },
    "an empty mirror: the clock's row only",
  );

  const u = await createUser(app.db);
  const kept = (await as(u, 'POST', `/1/accounts/${u.accountId}/tags`, { name: 'kept' })).json().data;
  const doomed = (await as(u, 'POST', `/1/accounts/${u.accountId}/tags`, { name: 'doomed' })).json().data;
  await admin('PUT', '/_mirror/clock', { advance: '1d' });
  const view1 = await view(u);
  // The dump reads the tables directly: the token uses the app gathered are written first, as
  // the control plane writes them before it saves.
  await app.tokenUsesWritten();
  const before = {
    view: view1,
    dump: await dump(),
    clock: (await admin('GET', '/_mirror/clock')).json().data.offset_seconds,
  };
  t.equal(before.clock, 86_400);

  const res = await admin('POST', '/_mirror/snapshots', { name: 'world-1' });
  t.equal(res.statusCode, 201, res.body);
  const saved = res.json().data;
  const rows = Object.values(before.dump).reduce((n, r) => n + r.length, 0);
  t.match(saved, { name: 'world-1', tables: Object.keys(before.dump).length, rows });
  t.ok(Math.abs(saved.created_at - Date.now() / 1000) < 60, 'created_at is real time');

  // What would have come next: the next tag's id, and the first team's (a sequence never used).
  const nextTag = (await as(u, 'POST', `/1/accounts/${u.accountId}/tags`, { name: 'next' })).json().data.id;
  t.equal(nextTag, doomed.id + 1);
  const firstTeam = (await as(u, 'POST', `/1/accounts/${u.accountId}/teams`, { name: 'first' })).json().data.id;
  // Then changes of every kind: a new user, a deletion, the clock moved.
  const other = await createUser(app.db);
  t.equal((await as(u, 'DELETE', `/1/accounts/${u.accountId}/tags/${doomed.id}`)).statusCode, 200);
  await app.db.deleteFrom('tags').where('id', '=', kept.id).execute();
  await admin('PUT', '/_mirror/clock', { advance: '3d' });
  t.notSame(await dump(), before.dump, 'the state has moved on');

  const restored = await admin('POST', '/_mirror/snapshots/world-1/restore');
  t.equal(restored.statusCode, 200, restored.body);
  t.match(restored.json().data, { name: 'world-1', rows, created_at: saved.created_at, ms: Number });
  t.same(await dump(), before.dump, 'every row of every table as saved');
  t.same(await view(u), before.view, 'the API answers as before');
  t.equal((await as(other, 'GET', '/2/profile')).statusCode, 401, 'the user made since is gone, with the token');
  t.equal(clockOffset(), 86_400, 'this instance took the saved clock up');
  t.equal((await admin('GET', '/_mirror/clock')).json().data.offset_seconds, 86_400);

  t.equal(
    (await as(u, 'POST', `/1/accounts/${u.accountId}/tags`, { name: 'next' })).json().data.id,
    nextTag,
    'the next id is the one that came after the save',
  );
  t.equal(
    (await as(u, 'POST', `/1/accounts/${u.accountId}/teams`, { name: 'first' })).json().data.id,
    firstTeam,
    'so is a first one',
  );

  t.test('a snapshot survives a reset', async (t) => {
    t.equal((await admin('POST', '/_mirror/reset')).statusCode, 200);
    t.equal(await users(), 0);
    t.same(
      (await admin('GET', '/_mirror/snapshots')).json().data.map((s: { name: string }) => s.name),
      ['empty', 'world-1'],
    );
    t.equal((await admin('POST', '/_mirror/snapshots/world-1/restore')).statusCode, 200);
    t.same(await dump(), before.dump);
    t.equal((await admin('GET', '/_mirror/clock')).json().data.offset_seconds, 86_400);
  });

  t.test('a restore that fails changes nothing; a snapshot of another schema is refused', async (t) => {
    t.equal((await admin('POST', '/_mirror/snapshots', { name: 'broken' })).statusCode, 201);
    // Broken by hand: a tag of an organisation that is not in it, inserted after the rest.
    await sql`INSERT INTO ${sql.table('mirror_snapshot_broken.tags')} (id, account_id, name) VALUES (9999, 9999, 'orphan')`.execute(
      app.db,
    );
    const tag = (await as(u, 'POST', `/1/accounts/${u.accountId}/tags`, { name: 'meanwhile' })).json().data.id;
    const state = await dump();
    const res = await admin('POST', '/_mirror/snapshots/broken/restore');
    t.equal(res.statusCode, 500);
    t.same(await dump(), state, 'not a row changed');
    t.equal(
      (await as(u, 'POST', `/1/accounts/${u.accountId}/tags`, { name: 'after' })).json().data.id,
      tag + 1,
      'nor a sequence',
    );

    await sql`UPDATE ${sql.table('mirror_snapshot_broken._snapshot')} SET migration = '2000_old'`.execute(app.db);
    const old = await admin('POST', '/_mirror/snapshots/broken/restore');
    t.equal(old.statusCode, 409);
    t.equal(old.json().error.code, 'conflict_error');
    t.equal((await admin('DELETE', '/_mirror/snapshots/broken')).statusCode, 200);
    await admin('POST', '/_mirror/snapshots/world-1/restore');
  });

  t.test('saving a name again replaces it', async (t) => {
    await as(u, 'POST', `/1/accounts/${u.accountId}/tags`, { name: 'later' });
    const again = await admin('POST', '/_mirror/snapshots', { name: 'world-1' });
    t.equal(again.statusCode, 201, again.body);
    t.equal(again.json().data.rows, saved.rows + 2, 'the tag and its log line');
    const later = await dump();
    await admin('POST', '/_mirror/reset');
    await admin('POST', '/_mirror/snapshots/world-1/restore');
    t.same(await dump(), later, 'the newer state');
    const list = (await admin('GET', '/_mirror/snapshots')).json().data;
    t.same(
      list.map((s: { name: string }) => s.name),
      ['empty', 'world-1'],
      'still one of that name',
    );
    t.same(Object.keys(list[1]).sort(), ['created_at', 'name', 'rows', 'tables']);
    t.equal(list[1].rows, saved.rows + 2);
  });

  t.test('restoring a snapshot of the empty mirror empties it', async (t) => {
    t.equal((await admin('POST', '/_mirror/snapshots/empty/restore')).statusCode, 200);
    const all = await dump();
    t.same(
      Object.entries(all)
        .filter(([, r]) => r.length)
        .map(([n]) => n),
      ['mirror_clock'],
      'nothing but the clock',
    );
    t.equal((await as(u, 'GET', '/2/profile')).statusCode, 401);
    t.equal((await admin('GET', '/_mirror/clock')).json().data.offset_seconds, 0);
    const fresh = await createUser(app.db);
    t.equal(fresh.id, 1, 'ids start again from 1');
  });
});

t.test('delete, and unknown names', async (t) => {
  t.equal((await admin('DELETE', '/_mirror/snapshots/empty')).statusCode, 200);
  t.same(
    (await admin('GET', '/_mirror/snapshots')).json().data.map((s: { name: string }) => s.name),
    ['world-1'],
  );
  for (const [method, url] of [
    ['DELETE', '/_mirror/snapshots/empty'],
    ['POST', '/_mirror/snapshots/empty/restore'],
    ['POST', '/_mirror/snapshots/Not%20A%20Name/restore'],
  ] as const) {
    const res = await admin(method, url);
    t.equal(res.statusCode, 404, `${method} ${url}`);
    t.equal(res.json().error.code, 'object_not_found');
  }
  const users = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(app.db);
  t.equal(users.rows[0].n, 1, 'a restore of an unknown name changed nothing');
});

t.test("in a sandbox, the sandbox's own state and snapshots", async (t) => {
  const inSandbox = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { ...bearer(ADMIN_TOKEN), 'x-mirror-sandbox': 'snapshots' },
      ...(payload ? { payload } : {}),
    });
  const names = async (res: Promise<{ json(): { data: { name: string }[] } }>) =>
    (await res).json().data.map((s) => s.name);
  const seeded = await inSandbox('POST', '/_mirror/seed', { fixture: 'demo' });
  t.equal(seeded.statusCode, 200, seeded.body);
  const alice = seeded.json().data.users.find((u: { key: string }) => u.key === 'alice');
  const profile = async () => app.inject({ method: 'GET', url: '/2/profile', headers: bearer(alice.token) });
  const before = (await profile()).json();

  t.equal((await inSandbox('POST', '/_mirror/snapshots', { name: 'demo' })).statusCode, 201);
  t.same(await names(inSandbox('GET', '/_mirror/snapshots')), ['demo']);
  t.same(await names(admin('GET', '/_mirror/snapshots')), ['world-1'], 'the main database keeps its own');
  await inSandbox('POST', '/_mirror/reset');
  t.equal((await profile()).statusCode, 401);
  t.equal((await inSandbox('POST', '/_mirror/snapshots/demo/restore')).statusCode, 200);
  t.same((await profile()).json(), before);
  const clock = (await inSandbox('GET', '/_mirror/clock')).json().data.now;
  t.ok(clock >= 1_796_083_200 && clock < 1_796_083_200 + 120, "the sandbox's clock is the fixture's again");
  t.equal((await admin('GET', '/_mirror/clock')).json().data.offset_seconds, 0, 'the main clock did not move');
  t.equal(
    (await admin('POST', '/_mirror/snapshots/demo/restore')).statusCode,
    404,
    "nor is the sandbox's snapshot in the main database",
  );
  t.equal((await admin('DELETE', '/_mirror/sandboxes/snapshots')).statusCode, 200);
});
