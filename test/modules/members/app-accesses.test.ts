import t from 'tap';
import { call, buildTestApp } from '../../helper.js';
import { addProduct, createOrg, grantRights } from '../../factories/organisations.js';
import { createUser } from '../../factories/users.js';
import { upstreamKeys } from '../reference/upstream.js';

// GET /2/accounts/{account}/users/{user}/app_accesses: a member's accesses to the organisation's
// apps, by app, from the products of those apps and the member's rights on them.

t.test("a member's app accesses", async (t) => {
  const app = await buildTestApp(t);
  const org = await createOrg(app.db);
  const drive = await addProduct(app.db, org.id, 'drive', { customer_name: 'Team drive' });
  const mail = await addProduct(app.db, org.id, 'email_hosting', { customer_name: 'Mail' });
  const ksuite = await addProduct(app.db, org.id, 'ksuite', { customer_name: 'kSuite' });
  await addProduct(app.db, org.id, 'domain', { customer_name: 'acme.test' }); // no app
  await addProduct(app.db, org.id, 'drive', { customer_name: 'Old drive', deleted: true });
  await grantRights(app.db, drive.id, org.normal.id, { technical: true });
  await grantRights(app.db, mail.id, org.normal.id, { statistic: true });
  const url = (user: number, account = org.id) => `/2/accounts/${account}/users/${user}/app_accesses`;

  t.test('an ordinary member: the products they hold a right on, admin with a technical one', async (t) => {
    const res = await call(app, org.admin.token, 'GET', url(org.normal.id));
    t.equal(res.statusCode, 200, res.body);
    t.same(res.json().data, {
      drive: [{ product_id: drive.id, customer_name: 'Team drive', role: 'admin' }],
      mail: [{ product_id: mail.id, customer_name: 'Mail', role: 'user' }],
      ksuite: [],
    });
    t.same(upstreamKeys('get', '/2/accounts/{account}/users/{user}/app_accesses'), [], 'upstream names no field');
  });

  t.test("an administrator reaches every app's products", async (t) => {
    const res = await call(app, org.normal.token, 'GET', url(org.admin.id));
    t.equal(res.statusCode, 200, 'any member may read it');
    const data = res.json().data;
    t.same(
      [data.drive, data.mail, data.ksuite].map((list: { product_id: number; role: string }[]) =>
        list.map((a) => [a.product_id, a.role]),
      ),
      [[[drive.id, 'admin']], [[mail.id, 'admin']], [[ksuite.id, 'admin']]],
    );
  });

  t.test('outsiders and strangers', async (t) => {
    const outsider = await createUser(app.db);
    const foreign = await call(app, outsider.token, 'GET', url(org.normal.id));
    t.equal(foreign.statusCode, 404, "a foreign organisation's member");
    t.equal(foreign.json().error.code, 'object_not_found');
    const notMember = await call(app, org.owner.token, 'GET', url(outsider.id));
    t.equal(notMember.statusCode, 404, 'a user who is not a member');
    t.equal(notMember.json().error.code, 'object_not_found');
    t.equal((await call(app, org.owner.token, 'GET', url(org.normal.id, 99_999_999))).statusCode, 404);
    t.equal((await call(app, org.owner.token, 'GET', '/2/accounts/1/users/x/app_accesses')).statusCode, 422);
    t.equal((await call(app, null, 'GET', url(org.normal.id))).statusCode, 401);
  });
});
