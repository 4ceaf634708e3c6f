import t, { type Test } from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { SUMMARY_FIELDS, TEAM_FIELDS, teamsUrl, teamUrl } from '../../factories/teams.js';
import { addProduct, addTeam, createMember, failedAttributes, nowS } from '../../factories/organisations.js';
import { serviceByName } from '../../../src/modules/products/services.js';

const domain = serviceByName('domain')!;
const hosting = serviceByName('hosting')!;
const ksuite = serviceByName('ksuite')!;

const database = await testDatabase(t);

t.test('creating a team', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db, { first_name: 'Olga', last_name: 'Owner' });
  const org = owner.accountId;
  const admin = await createMember(app.db, org, 'admin', { first_name: 'Adam', last_name: 'Admin' });
  const normal = await createMember(app.db, org, 'normal');
  const outsider = await createUser(app.db);

  t.test('answers 201 with every upstream field; the caller creates and owns it by default', async (t) => {
    const res = await call(app, owner.token, 'POST', teamsUrl(org), { name: 'Support' });
    t.equal(res.statusCode, 201, res.body);
    const team = res.json().data;
    t.same(Object.keys(team).sort(), TEAM_FIELDS);
    t.match(team, {
      name: 'Support',
      color_id: 0,
      owned_by_id: owner.id,
      created_by_id: owner.id,
      user_count: 0,
      product_count: 0,
      product_by_service_count: 0,
      is_sso: false,
      permissions: [],
    });
    t.same(Object.keys(team.created_by).sort(), SUMMARY_FIELDS);
    t.match(team.created_by, {
      id: owner.id,
      display_name: 'Olga Owner',
      first_name: 'Olga',
      last_name: 'Owner',
      email: owner.email,
      is_sso: false,
      type: 'user',
    });
    t.same(team.owned_by, team.created_by);
    t.ok(
      Math.abs(team.created_at - nowS()) <= 5 && team.updated_at === team.created_at,
      'timestamps are now, in Unix seconds',
    );
    const row = await app.db.selectFrom('teams').selectAll().where('id', '=', team.id).executeTakeFirstOrThrow();
    t.equal(row.account_id, org, 'stored in the organisation of the path');
  });

  t.test(
    "an admin sets owner, colour and service permissions; counts cover the organisation's live products",
    async (t) => {
      await addProduct(app.db, org, domain.name);
      await addProduct(app.db, org, domain.name);
      await addProduct(app.db, org, domain.name, { deleted: true });
      await addProduct(app.db, org, ksuite.name);
      await addProduct(app.db, org, hosting.name);
      await addProduct(app.db, outsider.accountId, domain.name);
      const res = await call(app, admin.token, 'POST', teamsUrl(org), {
        name: 'Web',
        owned_by_id: normal.id,
        color_id: 7,
        permissions: {
          services: [
            domain.id,
            { service_id: ksuite.id, rights: ['sale', 'check'] },
            { service_id: domain.id, rights: 'statistic' },
          ],
        },
      });
      t.equal(res.statusCode, 201, res.body);
      const team = res.json().data;
      t.match(team, {
        name: 'Web',
        color_id: 7,
        owned_by_id: normal.id,
        created_by_id: admin.id,
        owned_by: { id: normal.id },
        created_by: { id: admin.id, display_name: 'Adam Admin' },
      });
      t.same(
        team.permissions,
        [
          { service_id: domain.id, service_name: 'domain', rights: 'statistic' },
          { service_id: domain.id, service_name: 'domain', rights: 'technical' },
          { service_id: ksuite.id, service_name: 'ksuite', rights: 'check' },
          { service_id: ksuite.id, service_name: 'ksuite', rights: 'sale' },
        ],
        'a bare service id gives the technical right; entries of one service add up',
      );
      t.equal(
        team.product_count,
        3,
        "two live domains and the kSuite; not the deleted one, the hosting, nor another organisation's",
      );
      t.equal(team.product_by_service_count, 2);
    },
  );

  t.test('a normal member may not create a team', async (t) => {
    const res = await call(app, normal.token, 'POST', teamsUrl(org), { name: 'Mine' });
    t.equal(res.statusCode, 403);
    t.equal(res.json().error.code, 'access_denied');
    t.notOk(
      await app.db
        .selectFrom('teams')
        .select('id')
        .where('account_id', '=', org)
        .where('name', '=', 'Mine')
        .executeTakeFirst(),
    );
  });

  t.test('the name is unique in the organisation whatever the case (409), free elsewhere', async (t) => {
    const res = await call(app, owner.token, 'POST', teamsUrl(org), { name: 'SUPPORT' });
    t.equal(res.statusCode, 409);
    t.equal(res.json().error.code, 'object_already_exists');
    t.equal(
      (await call(app, outsider.token, 'POST', teamsUrl(outsider.accountId), { name: 'Support' })).statusCode,
      201,
    );
  });

  t.test('concurrent creations with one name: exactly one succeeds, the others are 409', async (t) => {
    const results = await Promise.all(
      ['Race', 'race', 'RACE', 'Race', 'rAce'].map((name) => call(app, owner.token, 'POST', teamsUrl(org), { name })),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    t.same(statuses, [201, 409, 409, 409, 409], results.map((r) => r.body).join('\n'));
    for (const r of results.filter((r) => r.statusCode === 409)) t.equal(r.json().error.code, 'object_already_exists');
    const rows = await app.db
      .selectFrom('teams')
      .select('id')
      .where('account_id', '=', org)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', 'race'))
      .execute();
    t.equal(rows.length, 1);
  });

  t.test('field rules: 422 naming the field', async (t) => {
    const cases: [unknown, string[]][] = [
      [{}, ['name']],
      [{ name: '' }, ['name']],
      [{ name: 'x'.repeat(129) }, ['name']],
      [{ name: 'ok', color_id: 16 }, ['color_id']],
      [{ name: 'ok', color_id: -1 }, ['color_id']],
      [{ name: 'ok', color_id: 'red' }, ['color_id']],
      [{ name: 'ok', colour: 1 }, ['colour']],
      [{ name: 'ok', owned_by_id: outsider.id }, ['owned_by_id']],
      [{ name: 'ok', owned_by_id: 99_999_999 }, ['owned_by_id']],
      [{ name: 'ok', permissions: { services: [999] } }, ['permissions.services.0']],
      [
        { name: 'ok', permissions: { services: [domain.id, { service_id: 998, rights: 'sale' }] } },
        ['permissions.services.1.service_id'],
      ],
      [
        { name: 'ok', permissions: { services: [{ service_id: domain.id, rights: 'admin' }] } },
        ['permissions.services.0.rights'],
      ],
      [{ name: 'ok', permissions: [domain.id] }, ['permissions']],
      [
        { name: 'ok', owned_by_id: outsider.id, permissions: { services: [5] } },
        ['owned_by_id', 'permissions.services.0'],
      ],
    ];
    for (const [payload, attributes] of cases) {
      const res = await call(app, owner.token, 'POST', teamsUrl(org), payload);
      t.equal(res.statusCode, 422, JSON.stringify(payload));
      t.equal(res.json().error.code, 'validation_failed');
      t.same(failedAttributes(res.json()), attributes, JSON.stringify(payload));
    }
    const unknown = await call(app, owner.token, 'POST', teamsUrl(org), {
      name: 'ok',
      permissions: { services: [999] },
    });
    t.ok(unknown.json().error.errors[0].context.values.includes(domain.id), 'the allowed service ids are listed');
    t.notOk(
      await app.db.selectFrom('teams').select('id').where('name', '=', 'ok').executeTakeFirst(),
      'nothing was created',
    );
  });
});

t.test('reading, updating and deleting a team', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const admin = await createMember(app.db, org, 'admin');
  const lead = await createMember(app.db, org, 'normal', { first_name: 'Lea', last_name: 'Lead' });
  const normal = await createMember(app.db, org, 'normal');
  const other = await createUser(app.db);
  const past = nowS() - 3600;

  t.test('GET shows the team; with=users adds its members who are still in the organisation', async (t) => {
    const gone = await createMember(app.db, org, 'normal');
    const team = await addTeam(app.db, org, {
      owned_by_id: lead.id,
      created_by_id: owner.id,
      members: [lead.id, normal.id, gone.id],
    });
    await app.db.deleteFrom('account_members').where('account_id', '=', org).where('user_id', '=', gone.id).execute();

    const res = await call(app, normal.token, 'GET', teamUrl(org, team.id));
    t.equal(res.statusCode, 200, 'any member reads a team');
    t.same(Object.keys(res.json().data).sort(), TEAM_FIELDS);
    t.match(res.json().data, {
      id: team.id,
      name: team.name,
      user_count: 2,
      owned_by: { id: lead.id, display_name: 'Lea Lead' },
    });

    const withUsers = await call(app, normal.token, 'GET', `${teamUrl(org, team.id)}?with=users,permissions`);
    t.equal(withUsers.statusCode, 200);
    const users = withUsers.json().data.users as { id: number }[];
    t.same(
      users.map((u) => u.id).sort((a, b) => a - b),
      [lead.id, normal.id].sort((a, b) => a - b),
    );
    t.same(Object.keys(users[0]).sort(), SUMMARY_FIELDS);

    const bad = await call(app, normal.token, 'GET', `${teamUrl(org, team.id)}?with=secrets`);
    t.equal(bad.statusCode, 422);
    t.same(failedAttributes(bad.json()), ['with']);
    t.ok(bad.json().error.errors[0].context.values.includes('users'));
  });

  t.test('a team without a recorded owner or creator shows them as null', async (t) => {
    const team = await addTeam(app.db, org);
    const res = await call(app, owner.token, 'GET', teamUrl(org, team.id));
    t.match(res.json().data, { owned_by_id: null, created_by_id: null, owned_by: null, created_by: null });
  });

  t.test('an admin updates every field; updated_at moves, created_at does not', async (t) => {
    const team = await addTeam(app.db, org, {
      created_at: past,
      permissions: [{ service_id: hosting.id, rights: 'technical' }],
    });
    const res = await call(app, admin.token, 'PATCH', teamUrl(org, team.id), {
      name: 'Renamed',
      color_id: 15,
      owned_by_id: lead.id,
      permissions: { services: [{ service_id: domain.id, rights: ['check'] }] },
    });
    t.equal(res.statusCode, 200, res.body);
    const data = res.json().data;
    t.match(data, { name: 'Renamed', color_id: 15, owned_by_id: lead.id, owned_by: { id: lead.id }, created_at: past });
    t.same(
      data.permissions,
      [{ service_id: domain.id, service_name: 'domain', rights: 'check' }],
      'the permissions are replaced',
    );
    t.ok(data.updated_at >= nowS() - 5);
    t.same((await call(app, admin.token, 'GET', teamUrl(org, team.id))).json().data, data, 'stored as answered');

    const cleared = await call(app, admin.token, 'PATCH', teamUrl(org, team.id), { permissions: { services: [] } });
    t.same(cleared.json().data.permissions, []);
    t.equal(cleared.json().data.name, 'Renamed', 'fields left out are kept');
  });

  t.test('an empty body changes nothing', async (t) => {
    const team = await addTeam(app.db, org, { created_at: past, color_id: 3 });
    const res = await call(app, owner.token, 'PATCH', teamUrl(org, team.id), {});
    t.equal(res.statusCode, 200);
    t.match(res.json().data, { name: team.name, color_id: 3, updated_at: past });
  });

  t.test("renaming: a case change of its own name is fine, another team's name is 409", async (t) => {
    const a = await addTeam(app.db, org, { name: 'Alpha' });
    await addTeam(app.db, org, { name: 'Beta' });
    t.equal((await call(app, owner.token, 'PATCH', teamUrl(org, a.id), { name: 'ALPHA' })).json().data.name, 'ALPHA');
    const res = await call(app, owner.token, 'PATCH', teamUrl(org, a.id), { name: 'beta' });
    t.equal(res.statusCode, 409);
    t.equal(res.json().error.code, 'object_already_exists');
    const both = await Promise.all([
      call(app, owner.token, 'PATCH', teamUrl(org, a.id), { name: 'Gamma' }),
      call(app, owner.token, 'POST', teamsUrl(org), { name: 'gamma' }),
    ]);
    const [rename, creation] = both.map((r) => r.statusCode);
    t.ok(
      (rename === 200 && creation === 409) || (rename === 409 && creation === 201),
      `a rename racing a creation: one wins (${rename}, ${creation})`,
    );
    const gammas = await app.db
      .selectFrom('teams')
      .select('id')
      .where('account_id', '=', org)
      .where('name', 'ilike', 'gamma')
      .execute();
    t.equal(gammas.length, 1);
  });

  t.test('PATCH field rules', async (t) => {
    const team = await addTeam(app.db, org);
    const cases: [unknown, string[]][] = [
      [{ name: '' }, ['name']],
      [{ color_id: 99 }, ['color_id']],
      [{ owned_by_id: other.id }, ['owned_by_id']],
      [{ permissions: { services: [{ service_id: 1000, rights: 'sale' }] } }, ['permissions.services.0.service_id']],
      [{ id: 5 }, ['id']],
    ];
    for (const [payload, attributes] of cases) {
      const res = await call(app, owner.token, 'PATCH', teamUrl(org, team.id), payload);
      t.equal(res.statusCode, 422, JSON.stringify(payload));
      t.same(failedAttributes(res.json()), attributes);
    }
  });

  t.test(
    "the team's owner (a normal member) renames it and hands it over, but may not change its permissions",
    async (t) => {
      const team = await addTeam(app.db, org, {
        owned_by_id: lead.id,
        permissions: [{ service_id: domain.id, rights: 'statistic' }],
      });
      const renamed = await call(app, lead.token, 'PATCH', teamUrl(org, team.id), { name: 'Led by Lea', color_id: 2 });
      t.equal(renamed.statusCode, 200, renamed.body);
      const widen = await call(app, lead.token, 'PATCH', teamUrl(org, team.id), {
        permissions: { services: [domain.id, hosting.id] },
      });
      t.equal(widen.statusCode, 403);
      t.equal(widen.json().error.code, 'access_denied');
      t.same((await call(app, lead.token, 'GET', teamUrl(org, team.id))).json().data.permissions, [
        { service_id: domain.id, service_name: 'domain', rights: 'statistic' },
      ]);
      t.equal(
        (await call(app, normal.token, 'PATCH', teamUrl(org, team.id), { name: 'Hijack' })).statusCode,
        403,
        'another normal member may not',
      );
      t.equal(
        (await call(app, lead.token, 'PATCH', teamUrl(org, team.id), { owned_by_id: normal.id })).statusCode,
        200,
      );
      t.equal(
        (await call(app, lead.token, 'PATCH', teamUrl(org, team.id), { name: 'Back' })).statusCode,
        403,
        'once handed over, no longer the owner',
      );
      t.equal((await call(app, normal.token, 'PATCH', teamUrl(org, team.id), { name: 'New owner' })).statusCode, 200);
    },
  );

  t.test('DELETE: admins only; members and permissions go with the team', async (t) => {
    const team = await addTeam(app.db, org, {
      owned_by_id: lead.id,
      members: [lead.id],
      permissions: [{ service_id: domain.id, rights: 'sale' }],
    });
    const byOwner = await call(app, lead.token, 'DELETE', teamUrl(org, team.id));
    t.equal(byOwner.statusCode, 403, "the team's owner is not enough");
    const res = await call(app, admin.token, 'DELETE', teamUrl(org, team.id));
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    t.equal((await call(app, admin.token, 'GET', teamUrl(org, team.id))).statusCode, 404);
    t.equal((await call(app, admin.token, 'DELETE', teamUrl(org, team.id))).statusCode, 404, 'deleting twice is 404');
    t.equal(
      (await app.db.selectFrom('team_members').select('user_id').where('team_id', '=', team.id).execute()).length,
      0,
    );
    t.equal(
      (await app.db.selectFrom('team_permissions').select('service_id').where('team_id', '=', team.id).execute())
        .length,
      0,
    );
    t.ok(
      await app.db
        .selectFrom('account_members')
        .select('user_id')
        .where('user_id', '=', lead.id)
        .where('account_id', '=', org)
        .executeTakeFirst(),
      'the members stay in the organisation',
    );
  });
});

t.test('listing teams', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const admin = await createMember(app.db, org, 'admin');
  const normal = await createMember(app.db, org, 'normal');
  const other = await createUser(app.db);
  const base = nowS() - 1000;
  // Names chosen so that name order, creation order and member counts all differ.
  const ops = await addTeam(app.db, org, {
    name: 'ops',
    created_at: base + 3,
    owned_by_id: admin.id,
    created_by_id: owner.id,
    members: [normal.id, admin.id, owner.id],
  });
  const design = await addTeam(app.db, org, {
    name: 'Design',
    created_at: base + 1,
    owned_by_id: normal.id,
    created_by_id: admin.id,
    members: [normal.id],
  });
  const billing = await addTeam(app.db, org, {
    name: 'Billing 100%',
    created_at: base + 2,
    owned_by_id: owner.id,
    created_by_id: owner.id,
    members: [admin.id, owner.id],
  });
  const silent = await addTeam(app.db, org, {
    name: 'Silent_ones',
    created_at: base + 4,
    owned_by_id: owner.id,
    created_by_id: admin.id,
  });
  await addTeam(app.db, other.accountId, { name: 'Foreign', members: [other.id] });
  const url = teamsUrl(org);
  const ids = async (t: Test, token: string, query: string) => {
    const res = await call(app, token, 'GET', `${url}${query}`);
    t.equal(res.statusCode, 200, query);
    return (res.json().data as { id: number }[]).map((x) => x.id);
  };

  t.test("any member lists the organisation's teams only, by name by default", async (t) => {
    const res = await call(app, normal.token, 'GET', url);
    t.equal(res.statusCode, 200);
    const body = res.json();
    t.same(
      body.data.map((x: { id: number }) => x.id),
      [billing.id, design.id, ops.id, silent.id],
    );
    t.match(body, { total: 4, page: 1, pages: 1 });
    for (const item of body.data) t.same(Object.keys(item).sort(), TEAM_FIELDS);
    t.same(
      body.data.map((x: { user_count: number }) => x.user_count),
      [2, 1, 3, 0],
    );
  });

  t.test('search matches a part of the name, whatever the case; % and _ are literal', async (t) => {
    t.same(await ids(t, normal.token, '?search=SIGN'), [design.id]);
    t.same(await ids(t, normal.token, '?search=100%25'), [billing.id]);
    t.same(await ids(t, normal.token, '?search=%25'), [billing.id]);
    t.same(await ids(t, normal.token, '?search=t_o'), [silent.id]);
    t.same(await ids(t, normal.token, '?search=g_1'), [], 'an underscore is not a wildcard');
    t.same(await ids(t, normal.token, '?search=zzz'), []);
  });

  t.test('filters, as filter[x] or x, combine', async (t) => {
    t.same(await ids(t, normal.token, `?filter[team_ids][]=${ops.id}&filter[team_ids][]=${design.id}`), [
      design.id,
      ops.id,
    ]);
    t.same(await ids(t, normal.token, `?team_ids[]=${ops.id}&team_ids[]=${design.id}`), [design.id, ops.id]);
    t.same(await ids(t, normal.token, `?team_ids=${ops.id}`), [ops.id]);
    t.same(await ids(t, normal.token, `?filter[user_ids][]=${owner.id}`), [billing.id, ops.id]);
    t.same(await ids(t, normal.token, `?user_ids[]=${normal.id}&user_ids[]=${owner.id}`), [
      billing.id,
      design.id,
      ops.id,
    ]);
    t.same(await ids(t, normal.token, `?filter[owned_by_ids][]=${owner.id}`), [billing.id, silent.id]);
    t.same(await ids(t, normal.token, `?owned_by_ids=${owner.id}&filter[created_by_ids][]=${admin.id}`), [silent.id]);
    t.same(await ids(t, normal.token, `?created_by_ids[]=${admin.id}&search=des`), [design.id]);
    t.same(await ids(t, normal.token, `?filter[user_ids][]=${other.id}`), [], 'a stranger is in none of these teams');
    const bad = await call(app, normal.token, 'GET', `${url}?filter[colour]=1`);
    t.equal(bad.statusCode, 422);
    t.same(failedAttributes(bad.json()), ['filter.colour']);
    const notId = await call(app, normal.token, 'GET', `${url}?filter[team_ids][]=abc`);
    t.equal(notId.statusCode, 422);
  });

  t.test('sorting', async (t) => {
    t.same(await ids(t, admin.token, '?order_by=user_count&order=desc'), [ops.id, billing.id, design.id, silent.id]);
    t.same(await ids(t, admin.token, '?order_by=created_at'), [design.id, billing.id, ops.id, silent.id]);
    t.same(await ids(t, admin.token, '?order_for[created_at]=desc'), [silent.id, ops.id, billing.id, design.id]);
    t.same(await ids(t, admin.token, '?order_by=name&order=desc'), [silent.id, ops.id, design.id, billing.id]);
    const bad = await call(app, admin.token, 'GET', `${url}?order_by=password`);
    t.equal(bad.statusCode, 422);
    t.same(failedAttributes(bad.json()), ['order_by']);
  });

  t.test('pages and return=total', async (t) => {
    const res = await call(app, admin.token, 'GET', `${url}?per_page=3&page=2`);
    t.match(res.json(), { total: 4, page: 2, pages: 2, items_per_page: 3 });
    t.same(
      res.json().data.map((x: { id: number }) => x.id),
      [silent.id],
    );
    const total = await call(app, admin.token, 'GET', `${url}?return=total&search=s`);
    t.same(total.json(), { result: 'success', data: 3 });
  });

  t.test('with=users loads the members of every listed team', async (t) => {
    const res = await call(
      app,
      admin.token,
      'GET',
      `${url}?with=users&filter[team_ids][]=${billing.id}&filter[team_ids][]=${silent.id}`,
    );
    const [b, s] = res.json().data as { users: { id: number }[] }[];
    t.same(
      b.users.map((u) => u.id).sort((x, y) => x - y),
      [owner.id, admin.id].sort((x, y) => x - y),
    );
    t.same(s.users, []);
    const plain = await call(app, admin.token, 'GET', url);
    t.notOk('users' in plain.json().data[0], 'not without asking');
  });
});
