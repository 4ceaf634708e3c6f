import t from 'tap';
import { call, buildTestApp } from '../helper.js';
import { addTeam, createOrg } from '../factories/organisations.js';
import { teamsUrl } from '../factories/teams.js';

// items_per_page is the page size that applies, never how many rows came back.

t.test('items_per_page says the page size', async (t) => {
  const app = await buildTestApp(t);
  const org = await createOrg(app.db);
  for (let i = 0; i < 3; i++) await addTeam(app.db, org.id, { name: `Team ${i}` });
  const list = async (query: string, url = teamsUrl(org.id)) => {
    const res = await call(app, org.owner.token, 'GET', `${url}${query}`);
    t.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  t.match(await list('?per_page=25'), { total: 3, page: 1, pages: 1, items_per_page: 25 });
  t.match(await list('?page=1'), { total: 3, items_per_page: 10 }, 'the default page size with page alone');
  t.match(await list('?limit=2&skip=2'), { total: 3, page: 2, pages: 2, items_per_page: 2 });
  const unpaged = await list('');
  t.equal(unpaged.data.length, 3);
  t.match(unpaged, { total: 3, page: 1, pages: 1, items_per_page: 1000 }, 'unpaged: the largest page size');

  const products = `/1/accounts/${org.id}/products`;
  const empty = await list('?per_page=5', products);
  t.match(empty, { data: [], total: 0, page: 1, pages: 1, items_per_page: 5 }, 'an empty page says its size, not 1');
  t.match(await list('', products), { data: [], total: 0, pages: 1, items_per_page: 1000 });
  const beyond = await list('?page=9&per_page=2');
  t.match(beyond, { data: [], total: 3, page: 9, pages: 2, items_per_page: 2 });
});
