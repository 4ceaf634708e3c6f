import t from 'tap';
import { buildTestApp, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { getUser, patchUser, refusal, roleOf } from '../../factories/members.js';
import {
  addInvitation,
  addMember,
  addProduct,
  addTeam,
  createMember,
  createOrg,
  grantRights,
  outbox,
} from '../../factories/organisations.js';

const database = await testDatabase(t);

t.test('GET /2/accounts/{account}/users/{user}', async (t) => {
  const app = await buildTestApp(t, { database });
  const org = await createOrg(app.db);
  const { id: team } = await addTeam(app.db, org.id, { name: 'Ops', members: [org.admin.id] });

  t.test('any member sees any member; relations on request', async (t) => {
    for (const caller of [org.owner, org.admin, org.normal]) {
      const res = await getUser(app, caller.token, org.id, org.admin.id);
      t.equal(res.statusCode, 200);
      t.match(res.json().data, {
        user_id: org.admin.id,
        invitation_id: null,
        role_type: 'admin',
        state_in_account: 'valid',
        unique_key: `u${org.admin.id}`,
      });
      t.notOk('teams' in res.json().data);
    }
    const res = await getUser(app, org.normal.token, org.id, org.admin.id, 'with=teams,permissions');
    t.same(
      res.json().data.teams.map((x: { id: number }) => x.id),
      [team],
    );
    t.same(res.json().data.permissions, []);
    t.same(refusal(await getUser(app, org.owner.token, org.id, org.admin.id, 'with=nope')).attributes, ['with']);
  });

  t.test('a pending invitee is not reachable here, even with an account', async (t) => {
    const invited = await createUser(app.db);
    await addInvitation(app.db, org.id, { email: invited.email });
    t.match(refusal(await getUser(app, org.owner.token, org.id, invited.id)), {
      status: 404,
      code: 'object_not_found',
    });
  });
});

t.test('PATCH /2/accounts/{account}/users/{user}: roles', async (t) => {
  const app = await buildTestApp(t, { database });
  const db = app.db;

  t.test('an owner promotes and demotes; the member is told what changed', async (t) => {
    const org = await createOrg(db);
    const res = await patchUser(app, org.owner.token, org.id, org.normal.id, {
      role_type: 'admin',
      has_billing_access: true,
    });
    t.equal(res.statusCode, 200);
    t.match(res.json().data, {
      user_id: org.normal.id,
      role_type: 'admin',
      has_billing_access: true,
      teams: [],
      permissions: [],
    });
    const [mail] = await outbox(db, org.normal.id);
    t.match(mail, { recipient: org.normal.email, account_id: org.id, kind: 'account_role_changed' });
    t.match(mail.body, /normal → admin/);
    t.match(mail.body, /Billing access: granted/);
    t.match(mail.body, /Ada Lovelace changed your role/);

    t.equal(
      (await patchUser(app, org.owner.token, org.id, org.admin.id, { role_type: 'owner' })).statusCode,
      200,
      'an owner grants the owner role',
    );
    t.equal(await roleOf(db, org.id, org.admin.id), 'owner');
    t.match((await outbox(db, org.admin.id))[0].body, /admin → owner/);
    t.equal(
      (await patchUser(app, org.owner.token, org.id, org.admin.id, { role_type: 'normal' })).statusCode,
      200,
      'and withdraws it from another owner',
    );
    t.equal(await roleOf(db, org.id, org.admin.id), 'normal');
  });

  t.test('no notification when the role does not change', async (t) => {
    const org = await createOrg(db);
    t.equal(
      (await patchUser(app, org.owner.token, org.id, org.admin.id, { role_type: 'admin', has_billing_access: false }))
        .statusCode,
      200,
    );
    t.same(await outbox(db, org.admin.id), []);
  });

  t.test('only an owner grants, withdraws or hands over the owner role', async (t) => {
    const org = await createOrg(db);
    for (const [target, role] of [
      [org.normal, 'owner'],
      [org.owner, 'admin'],
      [org.owner, 'normal'],
    ] as const) {
      const res = await patchUser(app, org.admin.token, org.id, target.id, { role_type: role });
      t.same(
        refusal(res),
        { status: 403, code: 'access_denied', reason: 'owner_role_required', attributes: [] },
        `admin: ${target.role} → ${role}`,
      );
    }
    t.equal(await roleOf(db, org.id, org.normal.id), 'normal');
    t.equal(await roleOf(db, org.id, org.owner.id), 'owner');
  });

  t.test('nobody raises their own role', async (t) => {
    const org = await createOrg(db);
    t.same(
      refusal(await patchUser(app, org.admin.token, org.id, org.admin.id, { role_type: 'owner' })).reason,
      'cannot_raise_own_role',
    );
    t.same(refusal(await patchUser(app, org.normal.token, org.id, org.normal.id, { role_type: 'admin' })), {
      status: 403,
      code: 'access_denied',
      reason: 'cannot_raise_own_role',
      attributes: [],
    });
    t.same(
      refusal(await patchUser(app, org.normal.token, org.id, org.normal.id, { role_type: 'owner' })).reason,
      'cannot_raise_own_role',
    );
    t.equal(await roleOf(db, org.id, org.admin.id), 'admin');
    t.equal(await roleOf(db, org.id, org.normal.id), 'normal');
  });

  t.test('an admin manages admins and normal members, themselves included', async (t) => {
    const org = await createOrg(db);
    const other = await createMember(db, org.id, 'admin', { has_billing_access: true });
    t.equal((await patchUser(app, org.admin.token, org.id, org.normal.id, { role_type: 'admin' })).statusCode, 200);
    t.equal((await patchUser(app, org.admin.token, org.id, other.id, { role_type: 'normal' })).statusCode, 200);
    t.equal(await roleOf(db, org.id, other.id), 'normal');
    const product = await addProduct(db, org.id, 'ksuite');
    const own = await patchUser(app, org.admin.token, org.id, org.admin.id, {
      permissions: [{ service_id: product.service_id, product_id: product.id, types: ['technical'] }],
      has_billing_access: false,
    });
    t.equal(own.statusCode, 200, 'an admin changes their own rights');
    t.match(own.json().data, { has_billing_access: false, permissions: [{ product_id: product.id, technical: true }] });
    const self = await patchUser(app, org.admin.token, org.id, org.admin.id, { role_type: 'normal' });
    t.equal(self.statusCode, 200, 'an admin may step down');
    t.same(
      refusal(await patchUser(app, org.admin.token, org.id, org.admin.id, { role_type: 'admin' })).reason,
      'cannot_raise_own_role',
      'and cannot step back up',
    );
  });

  t.test("an admin may change an owner's teams, rights and flags, not their role", async (t) => {
    const org = await createOrg(db);
    const { id: team } = await addTeam(db, org.id, { name: 'Board' });
    const res = await patchUser(app, org.admin.token, org.id, org.owner.id, {
      team_ids: [team],
      has_billing_mailing: true,
    });
    t.equal(res.statusCode, 200);
    t.match(res.json().data, { role_type: 'owner', is_correspondent_billing: true, teams: [{ id: team }] });
    t.same(
      refusal(await patchUser(app, org.admin.token, org.id, org.owner.id, { role_type: 'owner', team_ids: [] })).status,
      200,
      'restating the same role is no change',
    );
  });

  t.test('the last owner cannot be demoted; with another owner, an owner may step down', async (t) => {
    const org = await createOrg(db);
    for (const role of ['admin', 'normal']) {
      const res = await patchUser(app, org.owner.token, org.id, org.owner.id, { role_type: role });
      t.same(refusal(res), { status: 422, code: 'validation_failed', reason: 'last_owner', attributes: ['role_type'] });
    }
    t.equal(await roleOf(db, org.id, org.owner.id), 'owner');
    const second = await createMember(db, org.id, 'owner', { has_billing_access: true });
    const res = await patchUser(app, org.owner.token, org.id, org.owner.id, { role_type: 'admin' });
    t.equal(res.statusCode, 200);
    t.equal(res.json().data.role_type, 'admin');
    t.match((await outbox(db, org.owner.id)).at(-1)!.body, /owner → admin/);
    // The remaining owner is now the last one: nobody may demote them, not even themselves.
    t.same(
      refusal(await patchUser(app, second.token, org.id, second.id, { role_type: 'normal' })).reason,
      'last_owner',
    );
    t.same(
      refusal(await patchUser(app, org.owner.token, org.id, second.id, { role_type: 'normal' })).reason,
      'owner_role_required',
    );
  });

  t.test("a normal member changes nobody's permissions, not even their own", async (t) => {
    const org = await createOrg(db);
    const product = await addProduct(db, org.id, 'domain');
    const { id: team } = await addTeam(db, org.id, { name: 'T' });
    const own: Record<string, unknown>[] = [
      { has_billing_access: true },
      { permissions: [{ service_id: product.service_id, product_id: product.id, types: ['technical'] }] },
      { team_ids: [team] },
      { role_type: 'normal' },
    ];
    for (const body of own) {
      t.same(
        refusal(await patchUser(app, org.normal.token, org.id, org.normal.id, body)),
        {
          status: 403,
          code: 'access_denied',
          reason: 'admin_role_required',
          attributes: [],
        },
        JSON.stringify(body),
      );
    }
    t.same(
      refusal(await patchUser(app, org.normal.token, org.id, org.admin.id, { has_mailing: false })).reason,
      'admin_role_required',
      "nor anyone else's anything",
    );
    const rights = await db
      .selectFrom('product_rights')
      .select('product_id')
      .where('user_id', '=', org.normal.id)
      .execute();
    t.same(rights, []);
    // Their own mailing preferences are theirs to set.
    const res = await patchUser(app, org.normal.token, org.id, org.normal.id, {
      has_mailing: false,
      has_billing_mailing: true,
    });
    t.equal(res.statusCode, 200);
    t.match(res.json().data, { is_correspondent: false, is_correspondent_billing: true, has_billing_access: false });
  });

  t.test('the body is validated', async (t) => {
    const org = await createOrg(db);
    for (const body of [
      { role_type: 'client' },
      { password: 'x' },
      { team_ids: ['a'] },
      { has_billing_access: 'yes' },
      { team_ids: [1, 1] },
    ]) {
      const res = await patchUser(app, org.owner.token, org.id, org.admin.id, body);
      t.equal(res.statusCode, 422, JSON.stringify(body));
    }
  });
});

t.test('PATCH /2/accounts/{account}/users/{user}: product rights and teams', async (t) => {
  const app = await buildTestApp(t, { database });
  const db = app.db;
  const org = await createOrg(db);
  const domain = await addProduct(db, org.id, 'domain');
  const domain2 = await addProduct(db, org.id, 'domain');
  const hosting = await addProduct(db, org.id, 'web_hosting');
  const elsewhere = await createUser(db);
  await createMember(db, elsewhere.accountId, 'admin', { has_billing_access: true }).then(() => undefined);
  const foreignProduct = await addProduct(db, elsewhere.accountId, 'domain');
  await addMember(db, elsewhere.accountId, org.normal.id, 'normal');
  await grantRights(db, foreignProduct.id, org.normal.id, { sale: true });
  const { id: foreignTeam } = await addTeam(db, elsewhere.accountId, { name: 'Theirs', members: [org.normal.id] });
  const rightsOf = (userId: number) =>
    db
      .selectFrom('product_rights')
      .select(['product_id', 'technical', 'statistic', 'check', 'sale'])
      .where('user_id', '=', userId)
      .orderBy('product_id')
      .execute();

  t.test("permissions replace the member's rights in this organisation only", async (t) => {
    await grantRights(db, hosting.id, org.normal.id, { check: true });
    const res = await patchUser(app, org.admin.token, org.id, org.normal.id, {
      permissions: [{ service_id: domain.service_id, apply_to_all: true, types: ['technical', 'statistic'] }],
    });
    t.equal(res.statusCode, 200);
    t.same(
      res.json().data.permissions.map((p: { product_id: number }) => p.product_id),
      [domain.id, domain2.id],
    );
    t.match(res.json().data.permissions[0], {
      service_id: domain.service_id,
      service_name: 'domain',
      technical: true,
      statistic: true,
      check: false,
      sale: false,
    });
    t.same(
      await rightsOf(org.normal.id),
      [
        { product_id: domain.id, technical: true, statistic: true, check: false, sale: false },
        { product_id: domain2.id, technical: true, statistic: true, check: false, sale: false },
        { product_id: foreignProduct.id, technical: false, statistic: false, check: false, sale: true },
      ],
      "the hosting right is gone, the other organisation's right stays",
    );
    const cleared = await patchUser(app, org.owner.token, org.id, org.normal.id, { permissions: [] });
    t.same(cleared.json().data.permissions, []);
    t.same(
      (await rightsOf(org.normal.id)).map((r) => r.product_id),
      [foreignProduct.id],
    );
  });

  t.test('bad permission entries are a 422 naming the entry, and change nothing', async (t) => {
    await grantRights(db, hosting.id, org.normal.id, { check: true });
    const cases: [unknown, string][] = [
      [[{ service_id: domain.service_id, product_id: foreignProduct.id, types: ['sale'] }], 'permissions.0.product_id'],
      [[{ service_id: domain.service_id, types: ['sale'] }], 'permissions.0.product_id'],
      [
        [
          { service_id: hosting.service_id, product_id: hosting.id, types: ['sale'] },
          { service_id: 9999, apply_to_all: true, types: [] },
        ],
        'permissions.1.service_id',
      ],
    ];
    for (const [permissions, attribute] of cases) {
      const res = await patchUser(app, org.owner.token, org.id, org.normal.id, { permissions, role_type: 'admin' });
      t.same(refusal(res).attributes, [attribute]);
      t.equal(res.statusCode, 422);
    }
    t.equal(
      (
        await patchUser(app, org.owner.token, org.id, org.normal.id, {
          permissions: [{ service_id: 1, types: ['hack'] }],
        })
      ).statusCode,
      422,
      'unknown right type',
    );
    t.equal(await roleOf(db, org.id, org.normal.id), 'normal', 'the role did not change either');
    t.same(
      (await rightsOf(org.normal.id)).map((r) => r.product_id),
      [hosting.id, foreignProduct.id],
    );
  });

  t.test("team_ids replace the member's teams in this organisation; foreign teams are refused", async (t) => {
    const { id: a } = await addTeam(db, org.id, { name: 'A', members: [org.normal.id] });
    const { id: b } = await addTeam(db, org.id, { name: 'B' });
    const { id: c } = await addTeam(db, org.id, { name: 'C' });
    const res = await patchUser(app, org.admin.token, org.id, org.normal.id, { team_ids: [c, b] });
    t.equal(res.statusCode, 200);
    t.same(
      res.json().data.teams.map((x: { name: string }) => x.name),
      ['B', 'C'],
    );
    const bad = await patchUser(app, org.admin.token, org.id, org.normal.id, {
      team_ids: [a, foreignTeam, 2_000_000],
      role_type: 'admin',
    });
    t.same(refusal(bad), { status: 422, code: 'validation_failed', reason: undefined, attributes: ['team_ids'] });
    t.same(bad.json().error.errors[0].context.values, [foreignTeam, 2_000_000]);
    t.equal(await roleOf(db, org.id, org.normal.id), 'normal', 'nothing of the refused call was applied');
    t.same((await patchUser(app, org.admin.token, org.id, org.normal.id, { team_ids: [] })).json().data.teams, []);
    const kept = await db.selectFrom('team_members').select('team_id').where('user_id', '=', org.normal.id).execute();
    t.same(kept, [{ team_id: foreignTeam }], "the other organisation's team membership stays");
  });
});
