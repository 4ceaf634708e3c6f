import t, { type Test } from 'tap';
import { buildTestApp, call, needsPostgres, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { teamMemberIds, TEAM_BRIEF_FIELDS, TEAM_USER_FIELDS, teamUsersUrl, teamUrl } from '../../factories/teams.js';
import { addTeam, type App, createMember, failedAttributes } from '../../factories/organisations.js';

const database = await testDatabase(t);
const asc = (ids: number[]) => [...ids].sort((a, b) => a - b);

t.test("listing a team's users", async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db, { first_name: 'Zoe', last_name: 'Zimmer' });
  const org = owner.accountId;
  const anna = await createMember(app.db, org, 'normal', {
    first_name: 'Anna',
    last_name: 'Berg',
    email: `anna-${process.pid}@corp.test`,
  });
  const bob = await createMember(app.db, org, 'admin', { first_name: 'Bob', last_name: 'Carlsen' });
  const gone = await createMember(app.db, org, 'normal', { first_name: 'Aaron', last_name: 'Gone' });
  await app.db.updateTable('users').set({ last_login_at: 1_700_000_000 }).where('id', '=', bob.id).execute();

  const team = await addTeam(app.db, org, { name: 'Core', members: [owner.id, anna.id, bob.id, gone.id] });
  const small = await addTeam(app.db, org, { name: 'alpha squad', members: [anna.id] });
  const empty = await addTeam(app.db, org, { name: 'Empty' });
  // Anna is in a team of her own organisation too: it must not show here.
  await addTeam(app.db, anna.accountId, { name: 'Private', members: [anna.id] });
  // Aaron left the organisation; his team_members row is a leftover the list must not show.
  await app.db.deleteFrom('account_members').where('account_id', '=', org).where('user_id', '=', gone.id).execute();
  const url = teamUsersUrl(org, team.id);
  const ids = async (t: Test, query: string) => {
    const res = await call(app, anna.token, 'GET', `${url}${query}`);
    t.equal(res.statusCode, 200, query);
    return (res.json().data as { id: number }[]).map((u) => u.id);
  };

  t.test('any member lists them, by display name, with their teams in this organisation', async (t) => {
    const res = await call(app, anna.token, 'GET', url);
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.match(body, { total: 3, page: 1, pages: 1 });
    t.same(
      body.data.map((u: { id: number }) => u.id),
      [anna.id, bob.id, owner.id],
    );
    for (const u of body.data) t.same(Object.keys(u).sort(), TEAM_USER_FIELDS);
    const [a, b] = body.data;
    t.match(a, {
      display_name: 'Anna Berg',
      first_name: 'Anna',
      last_name: 'Berg',
      email: anna.email,
      is_sso: false,
      last_login_at: null,
    });
    t.equal(b.last_login_at, 1_700_000_000);
    t.same(
      a.teams.map((x: { name: string }) => x.name),
      ['alpha squad', 'Core'],
      "this organisation's teams only, by name",
    );
    t.same(Object.keys(a.teams[0]).sort(), TEAM_BRIEF_FIELDS);
    t.match(a.teams, [
      { id: small.id, user_count: 1 },
      { id: team.id, user_count: 3 },
    ]);
    t.same(
      b.teams.map((x: { id: number }) => x.id),
      [team.id],
    );
  });

  t.test('search by name or email, whatever the case', async (t) => {
    t.same(await ids(t, '?search=carl'), [bob.id]);
    t.same(await ids(t, '?search=ANNA B'), [anna.id]);
    t.same(await ids(t, '?search=corp.test'), [anna.id]);
    t.same(await ids(t, '?search=Gone'), [], 'a former member is not found either');
  });

  t.test('sorting, pages and return=total', async (t) => {
    t.same(await ids(t, '?order_by=last_name&order=desc'), [owner.id, bob.id, anna.id]);
    t.same(await ids(t, '?order_for[id]=desc'), asc([owner.id, anna.id, bob.id]).reverse());
    const page = await call(app, anna.token, 'GET', `${url}?per_page=2&page=2`);
    t.match(page.json(), { total: 3, page: 2, pages: 2, items_per_page: 2 });
    t.same(
      page.json().data.map((u: { id: number }) => u.id),
      [owner.id],
    );
    t.same((await call(app, anna.token, 'GET', `${url}?return=total`)).json(), { result: 'success', data: 3 });
    t.same((await call(app, anna.token, 'GET', `${teamUsersUrl(org, empty.id)}?return=total`)).json(), {
      result: 'success',
      data: 0,
    });
    const bad = await call(app, anna.token, 'GET', `${url}?order_by=password_hash`);
    t.equal(bad.statusCode, 422);
    t.same(failedAttributes(bad.json()), ['order_by']);
  });
});

async function scene(t: Test) {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const admin = await createMember(app.db, org, 'admin');
  const lead = await createMember(app.db, org, 'normal');
  const a = await createMember(app.db, org, 'normal');
  const b = await createMember(app.db, org, 'normal');
  const outsider = await createUser(app.db);
  const team = await addTeam(app.db, org, { owned_by_id: lead.id, members: [lead.id] });
  return { app, owner, org, admin, lead, a, b, outsider, team };
}

const add = (app: App, token: string, org: number, team: number, user_ids: unknown) =>
  call(app, token, 'POST', teamUsersUrl(org, team), { user_ids });
const remove = (app: App, token: string, org: number, team: number, user_ids: unknown) =>
  call(app, token, 'DELETE', teamUsersUrl(org, team), { user_ids });

t.test('adding users to a team', async (t) => {
  const { app, org, admin, lead, a, b, outsider, team, owner } = await scene(t);

  t.test('201 true; the users are in the team and counted', async (t) => {
    const res = await add(app, admin.token, org, team.id, [a.id, b.id]);
    t.equal(res.statusCode, 201);
    t.same(res.json(), { result: 'success', data: true });
    t.same(await teamMemberIds(app.db, team.id), asc([lead.id, a.id, b.id]));
    t.equal((await call(app, a.token, 'GET', teamUrl(org, team.id))).json().data.user_count, 3);
  });

  t.test('adding someone already there (or twice in one call) is fine', async (t) => {
    const res = await add(app, admin.token, org, team.id, [a.id, a.id, lead.id]);
    t.equal(res.statusCode, 201);
    t.same(await teamMemberIds(app.db, team.id), asc([lead.id, a.id, b.id]));
  });

  t.test('all or nothing: one id outside the organisation refuses the call, naming user_ids', async (t) => {
    const c = await createMember(app.db, org, 'normal');
    for (const stranger of [outsider.id, 99_999_999]) {
      const res = await add(app, admin.token, org, team.id, [c.id, stranger]);
      t.equal(res.statusCode, 422);
      t.equal(res.json().error.code, 'validation_failed');
      t.same(failedAttributes(res.json()), ['user_ids']);
      t.match(res.json().error.errors[0].description, String(stranger));
      t.notMatch(res.json().error.errors[0].description, new RegExp(`\\b${c.id}\\b`), 'only the strangers are named');
    }
    t.same(await teamMemberIds(app.db, team.id), asc([lead.id, a.id, b.id]), 'nobody was added');
  });

  t.test('body rules', async (t) => {
    for (const [payload, attribute] of [
      [{ user_ids: [] }, 'user_ids'],
      [{}, 'user_ids'],
      [{ user_ids: ['x'] }, 'user_ids.0'],
      [{ user_ids: [0] }, 'user_ids.0'],
      [{ user_ids: [1], extra: 1 }, 'extra'],
    ] as const) {
      const res = await call(app, admin.token, 'POST', teamUsersUrl(org, team.id), payload);
      t.equal(res.statusCode, 422, JSON.stringify(payload));
      t.same(failedAttributes(res.json()), [attribute]);
    }
  });

  t.test("the team's owner may add users; another normal member may not", async (t) => {
    const c = await createMember(app.db, org, 'normal');
    const refused = await add(app, a.token, org, team.id, [c.id]);
    t.equal(refused.statusCode, 403);
    t.equal(refused.json().error.code, 'access_denied');
    t.notOk((await teamMemberIds(app.db, team.id)).includes(c.id));
    t.equal((await add(app, lead.token, org, team.id, [c.id])).statusCode, 201);
    t.ok((await teamMemberIds(app.db, team.id)).includes(c.id));
    t.equal((await add(app, owner.token, org, team.id, [owner.id])).statusCode, 201, "the organisation's owner may");
  });

  t.test(
    'concurrent additions end with every user in, once',
    needsPostgres('overlapping insertions of one membership are what is tested'),
    async (t) => {
      const extra = await Promise.all([1, 2, 3, 4].map(() => createMember(app.db, org, 'normal')));
      const fresh = await addTeam(app.db, org);
      const results = await Promise.all([
        add(app, admin.token, org, fresh.id, [extra[0].id, extra[1].id]),
        add(app, admin.token, org, fresh.id, [extra[1].id, extra[2].id]),
        add(app, admin.token, org, fresh.id, [extra[2].id, extra[3].id, extra[0].id]),
      ]);
      t.same(
        results.map((r) => r.statusCode),
        [201, 201, 201],
        results.map((r) => r.body).join('\n'),
      );
      t.same(await teamMemberIds(app.db, fresh.id), asc(extra.map((u) => u.id)));
    },
  );
});

t.test('removing users from a team', async (t) => {
  const { app, org, admin, lead, a, b, outsider, team } = await scene(t);
  await app.db
    .insertInto('team_members')
    .values([
      { team_id: team.id, user_id: a.id },
      { team_id: team.id, user_id: b.id },
    ])
    .execute();

  t.test('a normal member who does not own the team may not', async (t) => {
    const res = await remove(app, a.token, org, team.id, [b.id]);
    t.equal(res.statusCode, 403);
    t.same(await teamMemberIds(app.db, team.id), asc([lead.id, a.id, b.id]));
  });

  t.test('200 true; ids not in the team are ignored', async (t) => {
    const res = await remove(app, admin.token, org, team.id, [a.id, outsider.id, 99_999_999]);
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    t.same(await teamMemberIds(app.db, team.id), asc([lead.id, b.id]));
    t.equal((await remove(app, admin.token, org, team.id, [a.id])).statusCode, 200, 'removing again is fine');
    t.ok(
      await app.db
        .selectFrom('account_members')
        .select('user_id')
        .where('account_id', '=', org)
        .where('user_id', '=', a.id)
        .executeTakeFirst(),
      'still a member of the organisation',
    );
  });

  t.test("the team's owner may remove users, themselves included", async (t) => {
    t.equal((await remove(app, lead.token, org, team.id, [b.id, lead.id])).statusCode, 200);
    t.same(await teamMemberIds(app.db, team.id), []);
  });

  t.test('user_ids in the query, with no body, as clients send it', async (t) => {
    await app.db
      .insertInto('team_members')
      .values([b.id, lead.id].map((user_id) => ({ team_id: team.id, user_id })))
      .execute();
    const url = `${teamUsersUrl(org, team.id)}?user_ids[]=${b.id}`;
    const res = await call(app, admin.token, 'DELETE', url);
    t.equal(res.statusCode, 200, res.body);
    t.same(await teamMemberIds(app.db, team.id), [lead.id], 'only the one named left');
    const indexed = await call(app, admin.token, 'DELETE', `${teamUsersUrl(org, team.id)}?user_ids[0]=${lead.id}`);
    t.equal(indexed.statusCode, 200, 'the indexed form too');
    t.same(await teamMemberIds(app.db, team.id), []);
  });

  t.test('user_ids rules', async (t) => {
    const none = await call(app, admin.token, 'DELETE', teamUsersUrl(org, team.id));
    t.equal(none.statusCode, 422, 'neither a body nor a query');
    t.same(failedAttributes(none.json()), ['user_ids']);
    t.equal(none.json().error.errors[0].code, 'validation_rule_required');
    const bad = await call(app, admin.token, 'DELETE', `${teamUsersUrl(org, team.id)}?user_ids[]=x`);
    t.equal(bad.statusCode, 422);
    t.same(failedAttributes(bad.json()), ['user_ids.0']);
    const empty = await call(app, admin.token, 'DELETE', teamUsersUrl(org, team.id), { user_ids: [] });
    t.equal(empty.statusCode, 422, 'an empty list is still refused');
    t.same(failedAttributes(empty.json()), ['user_ids']);
  });
});
