import t from 'tap';
import { buildTestApp, call as send, type Method, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { addProduct, addTag, type App, createMember, grantRights, tagProduct } from '../../factories/organisations.js';

const call = (app: App, u: TestUser, method: Method, url: string, payload?: object) =>
  send(app, u.token, method, url, payload);
async function tagsOf(app: App, u: TestUser, accountId: number, query = '') {
  const res = await call(app, u, 'GET', `/1/accounts/${accountId}/tags${query}`);
  if (res.statusCode !== 200) throw new Error(`tags answered ${res.statusCode}: ${res.body}`);
  return res.json().data as {
    id: number;
    name: string;
    color: number;
    product_count: number;
    products?: { item_id: number; service_id: number; name: string }[];
  }[];
}

const database = await testDatabase(t);

t.test('tags of an organisation', async (t) => {
  const app = await buildTestApp(t, { database });

  t.test('the list counts tagged products; with=products lists them', async (t) => {
    const owner = await createUser(app.db);
    const org = owner.accountId;
    const { id: domain } = await addProduct(app.db, org, 'domain', { customer_name: 'example.ch' });
    const { id: hosting } = await addProduct(app.db, org, 'web_hosting', { customer_name: 'Site' });
    const { id: gone } = await addProduct(app.db, org, 'drive', { customer_name: 'Old drive', deleted: true });
    const clients = await addTag(app.db, org, 'clients', 2);
    const archive = await addTag(app.db, org, 'Archive', 7);
    const empty = await addTag(app.db, org, 'empty');
    for (const p of [domain, hosting, gone]) await tagProduct(app.db, p, clients);
    await tagProduct(app.db, hosting, archive);

    const list = await tagsOf(app, owner, org);
    t.same(
      list,
      [
        { id: clients, name: 'clients', color: 2, product_count: 2 },
        { id: archive, name: 'Archive', color: 7, product_count: 1 },
        { id: empty, name: 'empty', color: 0, product_count: 0 },
      ],
      'deleted products are not counted; no products without with=products',
    );

    const withProducts = await tagsOf(app, owner, org, '?with=products');
    t.same(withProducts[0].products, [
      { item_id: domain, service_id: 14, name: 'example.ch' },
      { item_id: hosting, service_id: 52, name: 'Site' },
    ]);
    t.same(withProducts[2].products, []);

    t.same(
      (await tagsOf(app, owner, org, '?order_by=name')).map((x) => x.name),
      ['Archive', 'clients', 'empty'],
      'names sort case-insensitively',
    );
    t.same(
      (await tagsOf(app, owner, org, '?order_by=products&order=desc')).map((x) => x.id),
      [clients, archive, empty],
    );
    t.same(
      (await tagsOf(app, owner, org, '?order_for[id]=desc')).map((x) => x.id),
      [empty, archive, clients],
    );
    const bad = await call(app, owner, 'GET', `/1/accounts/${org}/tags?with=users`);
    t.equal(bad.statusCode, 422);
    t.same(bad.json().error.errors[0].context, { attribute: 'with', values: ['products'] });
    t.equal((await call(app, owner, 'GET', `/1/accounts/${org}/tags?order_by=color`)).statusCode, 422);

    t.test('a normal member sees every tag but only the products they hold a right on', async (t) => {
      const normal = await createMember(app.db, org, 'normal');
      await grantRights(app.db, hosting, normal.id, { check: true });
      await grantRights(app.db, domain, normal.id, {});
      const seen = await tagsOf(app, normal, org, '?with=products');
      t.same(
        seen.map((x) => [x.id, x.product_count]),
        [
          [clients, 1],
          [archive, 1],
          [empty, 0],
        ],
      );
      t.same(
        seen[0].products!.map((p) => p.item_id),
        [hosting],
        'a right row with no right does not count',
      );
      const admin = await createMember(app.db, org, 'admin');
      t.same(
        (await tagsOf(app, admin, org)).map((x) => x.product_count),
        [2, 1, 0],
        'an admin sees them all',
      );
    });
  });

  t.test('create: admin or owner, 201; names unique regardless of case', async (t) => {
    const owner = await createUser(app.db);
    const admin = await createMember(app.db, owner.accountId, 'admin');
    const normal = await createMember(app.db, owner.accountId, 'normal', { has_billing_access: true });
    const url = `/1/accounts/${owner.accountId}/tags`;

    const created = await call(app, owner, 'POST', url, { name: 'Production', color: 5 });
    t.equal(created.statusCode, 201);
    t.match(created.json().data, { name: 'Production', color: 5, product_count: 0 });
    t.same(Object.keys(created.json().data).sort(), ['color', 'id', 'name', 'product_count']);
    const byAdmin = await call(app, admin, 'POST', url, { name: 'Staging' });
    t.equal(byAdmin.statusCode, 201);
    t.equal(byAdmin.json().data.color, 0, 'colour defaults to 0');

    const dup = await call(app, admin, 'POST', url, { name: 'PRODUCTION' });
    t.equal(dup.statusCode, 409);
    t.equal(dup.json().error.code, 'object_already_exists');
    const otherOrg = await createUser(app.db);
    t.equal(
      (await call(app, otherOrg, 'POST', `/1/accounts/${otherOrg.accountId}/tags`, { name: 'Production' })).statusCode,
      201,
      'another organisation may use the same name',
    );

    const denied = await call(app, normal, 'POST', url, { name: 'Mine' });
    t.equal(denied.statusCode, 403);
    t.match(denied.json().error, { code: 'access_denied', context: { required_role: 'admin' } });

    const invalid = await call(app, owner, 'POST', url, { name: '', color: -1, extra: true });
    t.equal(invalid.statusCode, 422);
    t.same(
      invalid
        .json()
        .error.errors.map((e: { context: { attribute: string } }) => e.context.attribute)
        .sort(),
      ['color', 'extra', 'name'],
    );
    t.same(
      (await tagsOf(app, owner, owner.accountId)).map((x) => x.name),
      ['Production', 'Staging'],
    );
  });

  t.test('two simultaneous creations of one name: one 201, one 409', async (t) => {
    const owner = await createUser(app.db);
    const url = `/1/accounts/${owner.accountId}/tags`;
    const results = await Promise.all([
      call(app, owner, 'POST', url, { name: 'Race' }),
      call(app, owner, 'POST', url, { name: 'race' }),
    ]);
    t.same(results.map((r) => r.statusCode).sort(), [201, 409]);
  });

  t.test("update: rename and recolour; duplicates 409; another organisation's tag 404", async (t) => {
    const owner = await createUser(app.db);
    const a = await addTag(app.db, owner.accountId, 'alpha', 1);
    await addTag(app.db, owner.accountId, 'beta', 2);
    const { id: p } = await addProduct(app.db, owner.accountId, 'domain');
    await tagProduct(app.db, p, a);
    const url = `/1/accounts/${owner.accountId}/tags/${a}`;

    const renamed = await call(app, owner, 'PUT', url, { name: 'Alpha prime' });
    t.equal(renamed.statusCode, 200);
    t.same(renamed.json().data, { id: a, name: 'Alpha prime', color: 1, product_count: 1 });
    t.same((await call(app, owner, 'PUT', url, { color: 9 })).json().data, {
      id: a,
      name: 'Alpha prime',
      color: 9,
      product_count: 1,
    });
    t.equal((await call(app, owner, 'PUT', url, {})).statusCode, 200, 'an empty change answers the tag');
    t.equal(
      (await call(app, owner, 'PUT', url, { name: 'ALPHA PRIME' })).statusCode,
      200,
      'changing the case of its own name is fine',
    );

    const dup = await call(app, owner, 'PUT', url, { name: 'Beta' });
    t.equal(dup.statusCode, 409);
    t.equal(dup.json().error.code, 'object_already_exists');

    // A change of another organisation's tag is the isolation matrix's; an empty one, answered with
    // the tag when it is one's own, must not answer theirs.
    const other = await createUser(app.db);
    const foreignTag = await addTag(app.db, other.accountId, 'theirs');
    const res = await call(app, owner, 'PUT', `/1/accounts/${owner.accountId}/tags/${foreignTag}`, {});
    t.equal(res.statusCode, 404, "an empty change of a tag of another organisation through one's own");
    t.equal(res.json().error.code, 'object_not_found');
  });

  t.test("delete: true; the products stay; another organisation's tag 404", async (t) => {
    const owner = await createUser(app.db);
    const admin = await createMember(app.db, owner.accountId, 'admin');
    const tag = await addTag(app.db, owner.accountId, 'doomed');
    const { id: p } = await addProduct(app.db, owner.accountId, 'domain');
    await tagProduct(app.db, p, tag);
    const url = `/1/accounts/${owner.accountId}/tags/${tag}`;

    const res = await call(app, admin, 'DELETE', url);
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    t.same(await tagsOf(app, owner, owner.accountId), []);
    t.equal((await call(app, admin, 'DELETE', url)).statusCode, 404, 'a second delete finds nothing');
    t.ok(
      await app.db.selectFrom('products').select('id').where('id', '=', p).executeTakeFirst(),
      'the product is still there',
    );
  });
});
