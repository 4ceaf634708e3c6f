import t from 'tap';
import { call, buildTestApp } from '../../helper.js';
import { addProduct, createOrg } from '../../factories/organisations.js';

// Clients ask for `with=fqdn` on the product lists; the fqdn is always there, and asking is no error.

t.test('with=fqdn on the product lists', async (t) => {
  const app = await buildTestApp(t);
  const org = await createOrg(app.db);
  await addProduct(app.db, org.id, 'domain', { customer_name: 'fqdn.test', fqdn: 'fqdn.test' });
  await app.db.updateTable('users').set({ current_account_id: org.id }).where('id', '=', org.owner.id).execute();
  for (const base of ['/1/products', `/1/accounts/${org.id}/products`, '/1/accounts/current/products']) {
    for (const w of ['with=fqdn', 'with=fqdn,tags', 'with[]=fqdn']) {
      const res = await call(app, org.owner.token, 'GET', `${base}?${w}`);
      t.equal(res.statusCode, 200, `${base}?${w}: ${res.body}`);
      t.same(
        res.json().data.map((p: { fqdn: string | null }) => p.fqdn),
        ['fqdn.test'],
      );
    }
    const unknown = await call(app, org.owner.token, 'GET', `${base}?with=fqdn,nothing`);
    t.equal(unknown.statusCode, 422, 'an unknown relation is still refused');
    t.ok(unknown.json().error.errors[0].context.values.includes('fqdn'), 'and fqdn is listed as allowed');
  }
});
