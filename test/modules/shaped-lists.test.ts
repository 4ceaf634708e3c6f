import t from 'tap';
import { buildTestApp, call } from '../helper.js';
import { addProduct, addTeam, createMember, createOrg } from '../factories/organisations.js';
import { addInvoice } from '../factories/payments.js';

// The hot lists keep their statements compiled per shape and bind each call's values into
// them (src/db/shaped.ts), and the catalogue lists keep their answers per query
// (reference/kept-answers.ts). Whatever was asked before, an answer must be the one its own
// caller, organisation, filters and page ask for: two organisations asked in turns with the
// same query, the same shape with other values, and more shapes than are kept.

const app = await buildTestApp(t);

async function dataOf(token: string, url: string) {
  const res = await call(app, token, 'GET', url);
  t.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json<{ data: unknown; total?: number }>();
}
const idsOf = (data: unknown) => (data as { id?: number; user_id?: number }[]).map((x) => x.id ?? x.user_id);

const a = await createOrg(app.db);
const b = await createOrg(app.db);
await createMember(app.db, b.id, 'normal');
const world = {
  a: { org: a, products: [] as number[], teams: [] as number[], invoices: [] as number[] },
  b: { org: b, products: [] as number[], teams: [] as number[], invoices: [] as number[] },
};
for (const [side, n] of [
  ['a', 2],
  ['b', 3],
] as const) {
  const w = world[side];
  for (let i = 0; i < n; i++) {
    w.products.push((await addProduct(app.db, w.org.id, 'web_hosting', { customer_name: `${side}-site-${i}` })).id);
    w.teams.push((await addTeam(app.db, w.org.id, { name: `${side}-team-${i}` })).id);
    w.invoices.push(await addInvoice(app.db, w.org.id, 100 * (i + 1)));
  }
}

t.test('two organisations asked in turns with the same query each get their own rows', async (t) => {
  for (let round = 0; round < 2; round++)
    for (const side of ['a', 'b'] as const) {
      const { org, products, teams, invoices } = world[side];
      const token = org.owner.token;
      t.same(idsOf((await dataOf(token, `/1/products?account_id=${org.id}`)).data).sort(), [...products].sort());
      t.same(idsOf((await dataOf(token, `/1/accounts/${org.id}/teams`)).data).sort(), [...teams].sort());
      t.same(idsOf((await dataOf(token, `/1/accounts/${org.id}/invoices`)).data).sort(), [...invoices].sort());
      const users = await dataOf(token, `/2/accounts/${org.id}/users`);
      t.equal(users.total, side === 'a' ? 3 : 4, `${side}: its own members`);
      t.match((await dataOf(token, `/1/accounts/${org.id}`)).data, { id: org.id });
      t.same(idsOf((await dataOf(token, '/1/accounts')).data), [org.id], `${side}: its own organisations`);
    }
});

t.test('one shape with other values, and pages of one list, each answer their own', async (t) => {
  const token = b.owner.token;
  const page = async (n: number) => idsOf((await dataOf(token, `/1/accounts/${b.id}/teams?per_page=1&page=${n}`)).data);
  const pages = [await page(1), await page(2), await page(3)];
  t.same(pages.flat().sort(), [...world.b.teams].sort(), 'three pages, three teams, none twice');
  const search = async (name: string) => idsOf((await dataOf(token, `/1/accounts/${b.id}/teams?search=${name}`)).data);
  t.same(await search('b-team-1'), [world.b.teams[1]]);
  t.same(await search('b-team-2'), [world.b.teams[2]], 'the same shape, another search');
});

t.test('more shapes than are kept: the answers stay right', async (t) => {
  const token = a.owner.token;
  for (let i = 0; i < 120; i++) await dataOf(token, `/2/accounts/${a.id}/users?search=nobody-${i}`);
  t.equal((await dataOf(token, `/2/accounts/${a.id}/users`)).total, 3);
  t.same((await dataOf(token, `/2/accounts/${a.id}/users?search=nobody-0`)).data, []);
  for (let i = 0; i < 210; i++) await dataOf(token, `/1/countries?search=zz${i}`);
  const ch = await dataOf(token, '/1/countries?search=switzerland');
  t.match(ch.data, [{ short_name: 'CH' }], 'a catalogue answer past the kept ones is made afresh');
});
