import t from 'tap';
import { buildTestApp, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import {
  deleteUser,
  handOver,
  leave,
  memberIds,
  ownerCount,
  refusal,
  removeUsers,
  roleOf,
} from '../../factories/members.js';
import {
  addMember,
  addProduct,
  addTeam,
  type App,
  createMember,
  createOrg,
  grantRights,
  outbox,
} from '../../factories/organisations.js';

const database = await testDatabase(t);

const currentAccount = async (app: App, userId: number) =>
  (await app.db.selectFrom('users').select('current_account_id').where('id', '=', userId).executeTakeFirstOrThrow())
    .current_account_id;

t.test('DELETE /2/accounts/{account}/users/{user}', async (t) => {
  const app = await buildTestApp(t, { database });
  const db = app.db;

  t.test(
    'removes the membership, its teams and rights in this organisation, and fixes the current organisation',
    async (t) => {
      const org = await createOrg(db);
      const elsewhere = await createUser(db);
      await addMember(db, elsewhere.accountId, org.normal.id, 'normal');
      const { id: here } = await addTeam(db, org.id, { name: 'Here', members: [org.normal.id, org.admin.id] });
      const { id: there } = await addTeam(db, elsewhere.accountId, { name: 'There', members: [org.normal.id] });
      const mine = await addProduct(db, org.id, 'domain');
      const theirs = await addProduct(db, elsewhere.accountId, 'domain');
      await grantRights(db, mine.id, org.normal.id, { technical: true });
      await grantRights(db, mine.id, org.admin.id, { technical: true });
      await grantRights(db, theirs.id, org.normal.id, { sale: true });
      await db.updateTable('users').set({ current_account_id: org.id }).where('id', '=', org.normal.id).execute();

      const res = await deleteUser(app, org.owner.token, org.id, org.normal.id);
      t.same(res.json(), { result: 'success', data: true });
      t.same(await memberIds(db, org.id), [org.owner.id, org.admin.id]);
      const teams = await db
        .selectFrom('team_members')
        .select(['team_id', 'user_id'])
        .where('team_id', 'in', [here, there])
        .orderBy('team_id')
        .orderBy('user_id')
        .execute();
      t.same(teams, [
        { team_id: here, user_id: org.admin.id },
        { team_id: there, user_id: org.normal.id },
      ]);
      const rights = await db
        .selectFrom('product_rights')
        .select(['product_id', 'user_id'])
        .orderBy('product_id')
        .execute();
      t.same(
        rights.filter((r) => [mine.id, theirs.id].includes(r.product_id)),
        [
          { product_id: mine.id, user_id: org.admin.id },
          { product_id: theirs.id, user_id: org.normal.id },
        ],
      );
      t.equal(
        await currentAccount(app, org.normal.id),
        org.normal.accountId,
        'pointed at another organisation of theirs (the lowest id)',
      );
      t.equal(
        (await deleteUser(app, org.owner.token, org.id, org.normal.id)).statusCode,
        404,
        'gone: a second removal is a 404',
      );
      t.equal(
        (await deleteUser(app, org.normal.token, org.id, org.admin.id)).statusCode,
        404,
        'the former member has no access any more',
      );
    },
  );

  t.test('a user left without any organisation has no current one', async (t) => {
    const org = await createOrg(db);
    await db
      .deleteFrom('account_members')
      .where('user_id', '=', org.normal.id)
      .where('account_id', '=', org.normal.accountId)
      .execute();
    await db.updateTable('users').set({ current_account_id: org.id }).where('id', '=', org.normal.id).execute();
    t.equal((await deleteUser(app, org.admin.token, org.id, org.normal.id)).statusCode, 200);
    t.equal(await currentAccount(app, org.normal.id), null);
  });

  t.test('a current organisation elsewhere is left alone', async (t) => {
    const org = await createOrg(db);
    t.equal((await deleteUser(app, org.admin.token, org.id, org.normal.id)).statusCode, 200);
    t.equal(await currentAccount(app, org.normal.id), org.normal.accountId);
  });

  t.test('who may remove whom', async (t) => {
    const org = await createOrg(db);
    const admin2 = await createMember(db, org.id, 'admin', { has_billing_access: true });
    const normal2 = await createMember(db, org.id, 'normal');
    t.same(refusal(await deleteUser(app, org.normal.token, org.id, normal2.id)), {
      status: 403,
      code: 'access_denied',
      reason: 'admin_role_required',
      attributes: [],
    });
    t.same(
      refusal(await deleteUser(app, org.normal.token, org.id, org.normal.id)).reason,
      'admin_role_required',
      'leaving is POST /leave',
    );
    t.same(refusal(await deleteUser(app, org.admin.token, org.id, org.owner.id)), {
      status: 403,
      code: 'access_denied',
      reason: 'owner_role_required',
      attributes: [],
    });
    t.same(
      await memberIds(db, org.id),
      [org.owner.id, org.admin.id, org.normal.id, admin2.id, normal2.id].sort((a, b) => a - b),
    );
    t.equal(
      (await deleteUser(app, org.admin.token, org.id, normal2.id)).statusCode,
      200,
      'an admin removes a normal member',
    );
    t.equal((await deleteUser(app, org.admin.token, org.id, admin2.id)).statusCode, 200, 'and another admin');
    t.equal((await deleteUser(app, org.admin.token, org.id, org.admin.id)).statusCode, 200, 'and themselves');
    const owner2 = await createMember(db, org.id, 'owner', { has_billing_access: true });
    t.equal(
      (await deleteUser(app, org.owner.token, org.id, owner2.id)).statusCode,
      200,
      'an owner removes another owner',
    );
  });

  t.test('the last owner and the last member cannot be removed', async (t) => {
    const org = await createOrg(db);
    t.same(refusal(await deleteUser(app, org.owner.token, org.id, org.owner.id)), {
      status: 422,
      code: 'validation_failed',
      reason: 'last_owner',
      attributes: ['user'],
    });
    const owner2 = await createMember(db, org.id, 'owner', { has_billing_access: true });
    t.equal(
      (await deleteUser(app, owner2.token, org.id, owner2.id)).statusCode,
      200,
      'with another owner, an owner may remove themselves',
    );
    const solo = await createUser(db);
    t.same(refusal(await deleteUser(app, solo.token, solo.accountId, solo.id)), {
      status: 422,
      code: 'validation_failed',
      reason: 'last_member',
      attributes: ['user'],
    });
    t.equal(await ownerCount(db, org.id), 1);
    t.same(await memberIds(db, solo.accountId), [solo.id]);
  });
});

t.test('POST /2/accounts/{account}/users/remove', async (t) => {
  const app = await buildTestApp(t, { database });
  const db = app.db;

  t.test('removes several members at once', async (t) => {
    const org = await createOrg(db);
    const extra = await createMember(db, org.id, 'normal');
    const { id: team } = await addTeam(db, org.id, { name: 'T', members: [org.normal.id, extra.id] });
    const res = await removeUsers(app, org.admin.token, org.id, [org.normal.id, extra.id, extra.id]);
    t.same(res.json(), { result: 'success', data: true });
    t.same(await memberIds(db, org.id), [org.owner.id, org.admin.id]);
    t.same(await db.selectFrom('team_members').select('user_id').where('team_id', '=', team).execute(), []);
  });

  t.test('all or nothing', async (t) => {
    const org = await createOrg(db);
    const outsider = await createUser(db);
    const all = [org.owner.id, org.admin.id, org.normal.id];
    const missing = await removeUsers(app, org.owner.token, org.id, [org.normal.id, outsider.id]);
    t.match(refusal(missing), { status: 404, code: 'object_not_found' });
    t.same(missing.json().error.context, { user_ids: [outsider.id] });
    t.same(
      refusal(await removeUsers(app, org.admin.token, org.id, [org.normal.id, org.owner.id])).reason,
      'owner_role_required',
    );
    const owner2 = await createMember(db, org.id, 'owner', { has_billing_access: true });
    t.same(refusal(await removeUsers(app, org.owner.token, org.id, [org.normal.id, org.owner.id, owner2.id])), {
      status: 422,
      code: 'validation_failed',
      reason: 'last_owner',
      attributes: ['user_ids'],
    });
    t.same(refusal(await removeUsers(app, org.owner.token, org.id, [...all, owner2.id])).reason, 'last_member');
    t.same(refusal(await removeUsers(app, org.normal.token, org.id, [org.normal.id])).reason, 'admin_role_required');
    t.same(await memberIds(db, org.id), [...all, owner2.id], 'nothing was removed');
    t.equal(
      (await removeUsers(app, org.owner.token, org.id, [org.owner.id, org.admin.id])).statusCode,
      200,
      'the rules hold on the final state',
    );
    t.same(await memberIds(db, org.id), [org.normal.id, owner2.id]);
  });

  t.test('the body is validated', async (t) => {
    const org = await createOrg(db);
    for (const ids of [[], 'x', [0], null])
      t.equal((await removeUsers(app, org.owner.token, org.id, ids)).statusCode, 422, JSON.stringify(ids));
  });
});

t.test('POST /1/accounts/{account}/leave', async (t) => {
  const app = await buildTestApp(t, { database });
  const db = app.db;

  t.test('any member leaves by themselves', async (t) => {
    const org = await createOrg(db);
    const { id: team } = await addTeam(db, org.id, { name: 'T', members: [org.normal.id] });
    const product = await addProduct(db, org.id, 'domain');
    await grantRights(db, product.id, org.normal.id, { check: true });
    await db.updateTable('users').set({ current_account_id: org.id }).where('id', '=', org.normal.id).execute();
    t.same((await leave(app, org.normal.token, org.id)).json(), { result: 'success', data: true });
    t.same(await db.selectFrom('team_members').select('user_id').where('team_id', '=', team).execute(), []);
    t.same(await db.selectFrom('product_rights').select('user_id').where('product_id', '=', product.id).execute(), []);
    t.equal(await currentAccount(app, org.normal.id), org.normal.accountId);
    t.equal((await leave(app, org.admin.token, org.id)).statusCode, 200, 'an admin too');
    t.same(await memberIds(db, org.id), [org.owner.id]);
    t.equal((await leave(app, org.normal.token, org.id)).statusCode, 404, 'one cannot leave twice');
  });

  t.test('the last owner and the last member stay', async (t) => {
    const org = await createOrg(db);
    t.same(refusal(await leave(app, org.owner.token, org.id)), {
      status: 422,
      code: 'validation_failed',
      reason: 'last_owner',
      attributes: ['account'],
    });
    const owner2 = await createMember(db, org.id, 'owner', { has_billing_access: true });
    t.equal((await leave(app, org.owner.token, org.id)).statusCode, 200, 'an owner leaves when another remains');
    const solo = await createUser(db);
    t.same(refusal(await leave(app, solo.token, solo.accountId)), {
      status: 422,
      code: 'validation_failed',
      reason: 'last_member',
      attributes: ['account'],
    });
    t.same(await memberIds(db, solo.accountId), [solo.id]);
    t.equal(await roleOf(db, org.id, owner2.id), 'owner');
  });
});

t.test('POST /1/accounts/{account}/legal_responsible', async (t) => {
  const app = await buildTestApp(t, { database });
  const db = app.db;

  t.test('the owner hands over; both are told', async (t) => {
    const org = await createOrg(db);
    const res = await handOver(app, org.owner.token, org.id, { user_id: org.normal.id, previous_role: 'admin' });
    t.same(res.json(), { result: 'success', data: true });
    t.equal(await roleOf(db, org.id, org.normal.id), 'owner');
    t.equal(await roleOf(db, org.id, org.owner.id), 'admin');
    t.equal(await ownerCount(db, org.id), 1);
    const [toNew] = await outbox(db, org.normal.id);
    const [toOld] = await outbox(db, org.owner.id);
    t.match(toNew, {
      recipient: org.normal.email,
      kind: 'legal_responsible_changed',
      account_id: org.id,
      subject: /You are now the legal responsible/,
    });
    t.match(toNew.body, /normal → owner/);
    t.match(toOld, { recipient: org.owner.email, kind: 'legal_responsible_changed', account_id: org.id });
    t.match(toOld.body, /owner → admin/);
    // The new owner hands it back, keeping nothing but a normal role.
    t.equal(
      (await handOver(app, org.normal.token, org.id, { user_id: org.owner.id, previous_role: 'normal' })).statusCode,
      200,
    );
    t.equal(await roleOf(db, org.id, org.owner.id), 'owner');
    t.equal(await roleOf(db, org.id, org.normal.id), 'normal');
  });

  t.test('to another owner: the caller simply steps down', async (t) => {
    const org = await createOrg(db);
    const owner2 = await createMember(db, org.id, 'owner', { has_billing_access: true });
    t.equal(
      (await handOver(app, org.owner.token, org.id, { user_id: owner2.id, previous_role: 'normal' })).statusCode,
      200,
    );
    t.equal(await roleOf(db, org.id, org.owner.id), 'normal');
    t.equal(await ownerCount(db, org.id), 1);
  });

  t.test('only an owner hands over, to another member', async (t) => {
    const org = await createOrg(db);
    const outsider = await createUser(db);
    t.same(refusal(await handOver(app, org.admin.token, org.id, { user_id: org.admin.id, previous_role: 'normal' })), {
      status: 403,
      code: 'access_denied',
      reason: 'owner_role_required',
      attributes: [],
    });
    t.same(
      refusal(await handOver(app, org.normal.token, org.id, { user_id: org.admin.id, previous_role: 'normal' })).reason,
      'owner_role_required',
    );
    t.match(refusal(await handOver(app, org.owner.token, org.id, { user_id: outsider.id, previous_role: 'admin' })), {
      status: 404,
      code: 'object_not_found',
    });
    t.same(
      refusal(await handOver(app, org.owner.token, org.id, { user_id: org.owner.id, previous_role: 'admin' }))
        .attributes,
      ['user_id'],
    );
    for (const body of [
      { user_id: org.admin.id, previous_role: 'owner' },
      { user_id: org.admin.id },
      { previous_role: 'admin' },
      { user_id: org.admin.id, previous_role: 'admin', x: 1 },
    ]) {
      t.equal((await handOver(app, org.owner.token, org.id, body)).statusCode, 422, JSON.stringify(body));
    }
    t.equal(await roleOf(db, org.id, org.owner.id), 'owner');
    t.equal(await roleOf(db, org.id, org.admin.id), 'admin');
    t.same(await outbox(db, org.owner.id), []);
  });
});
