import t from 'tap';
import { call, buildTestApp } from '../../helper.js';
import { addProduct, createOrg } from '../../factories/organisations.js';
import { createUser } from '../../factories/users.js';

// The legacy singular paths clients written for upstream still call answer as the plural ones.

t.test('/1/account/{id} and /1/account/{id}/product', async (t) => {
  const app = await buildTestApp(t);
  const org = await createOrg(app.db);
  await addProduct(app.db, org.id, 'domain', { customer_name: 'legacy.test' });
  await addProduct(app.db, org.id, 'drive', { customer_name: 'Legacy drive' });
  const get = (url: string, token = org.owner.token) => call(app, token, 'GET', url);

  const singular = await get(`/1/account/${org.id}`);
  t.equal(singular.statusCode, 200, singular.body);
  t.same(singular.json(), (await get(`/1/accounts/${org.id}`)).json(), 'the same organisation');
  t.equal(singular.json().data.id, org.id);

  const products = await get(`/1/account/${org.id}/product?order_by=customer_name`);
  t.equal(products.statusCode, 200, products.body);
  t.same(products.json(), (await get(`/1/accounts/${org.id}/products?order_by=customer_name`)).json());
  t.same(
    products.json().data.map((p: { customer_name: string }) => p.customer_name),
    ['Legacy drive', 'legacy.test'],
  );

  const stranger = await createUser(app.db);
  for (const url of [`/1/account/${org.id}`, `/1/account/${org.id}/product`]) {
    const res = await get(url, stranger.token);
    t.equal(res.statusCode, 404, `${url}: a foreign organisation`);
    t.equal(res.json().error.code, 'object_not_found');
  }
  t.equal((await get('/1/account/abc')).statusCode, 422);
  t.equal((await get('/account/' + String(org.id))).statusCode, 200, 'without a version too');
});
