import t from 'tap';
import { bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { addProduct, addTeam, type App, createMember, grantRights } from '../../factories/organisations.js';

async function data(app: App, u: TestUser, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: bearer(u.token) });
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json().data;
}

const database = await testDatabase(t);

t.test('GET /1/accounts/:account_id/services', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const url = `/1/accounts/${org}/services`;

  t.test('an organisation without products has no services', async (t) => {
    t.same(await data(app, owner, url), []);
  });

  t.test("products counted per service; deleted ones and other organisations' left out", async (t) => {
    const { id: d1 } = await addProduct(app.db, org, 'domain');
    await addProduct(app.db, org, 'domain');
    await addProduct(app.db, org, 'domain', { deleted: true });
    const { id: mail } = await addProduct(app.db, org, 'email_hosting');
    const other = await createUser(app.db);
    await addProduct(app.db, other.accountId, 'domain');
    await addProduct(app.db, other.accountId, 'drive');

    const owned = await data(app, owner, url);
    t.same(owned, [
      { id: 14, name: 'domain', count: 2 },
      { id: 23, name: 'email_hosting', count: 1 },
    ]);
    const admin = await createMember(app.db, org, 'admin');
    t.same(await data(app, admin, url), owned, 'an admin counts every product');

    const normal = await createMember(app.db, org, 'normal', { has_billing_access: true });
    t.same(await data(app, normal, url), [], 'a normal member without rights sees none');
    await grantRights(app.db, d1, normal.id, { statistic: true });
    await grantRights(app.db, mail, normal.id, {});
    t.same(await data(app, normal, url), [{ id: 14, name: 'domain', count: 1 }], 'only products with a right count');
  });
});

t.test('GET /1/accounts/:account_id/basic/teams', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const normal = await createMember(app.db, org, 'normal');
  const admin = await createMember(app.db, org, 'admin');
  const url = `/1/accounts/${org}/basic/teams`;

  t.test('a light list any member may read', async (t) => {
    t.same(await data(app, normal, url), []);
    const { id: support } = await addTeam(app.db, org, {
      name: 'Support',
      members: [owner.id, normal.id, admin.id],
      color_id: 3,
    });
    const { id: billing } = await addTeam(app.db, org, { name: 'billing', color_id: 1 });
    const other = await createUser(app.db);
    await addTeam(app.db, other.accountId, { name: 'Not ours', members: [other.id] });

    const teams = await data(app, normal, url);
    t.same(teams, [
      { id: billing, name: 'billing', color_id: 1, user_count: 0 },
      { id: support, name: 'Support', color_id: 3, user_count: 3 },
    ]);
    t.same(await data(app, owner, url), teams);
    const bad = await app.inject({ method: 'GET', url: `${url}?with=users`, headers: bearer(owner.token) });
    t.equal(bad.statusCode, 422);
    t.match(bad.json().error.errors[0].context, { attribute: 'with' });
  });
});
