import t from 'tap';
import { bearer, buildTestApp } from '../helper.js';
import { createUser } from '../factories/users.js';

// Query strings are text: numbers and booleans are coerced, including the 1/0 booleans that
// upstream's clients send. Bodies are JSON and are taken as they are.

t.test('query booleans accept true/false and 1/0', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const patch = (query: string) =>
    app.inject({
      method: 'PATCH',
      url: `/2/profile?${query}`,
      headers: bearer(u.token),
      payload: { firstname: 'Dry' },
    });

  for (const q of ['dry_run=1', 'dry_run=true']) {
    const res = await patch(q);
    t.equal(res.statusCode, 200, q);
    t.equal(res.json().data.first_name, 'Dry', `${q} answers with the would-be profile`);
  }
  const after = await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(u.token) });
  t.equal(after.json().data.first_name, 'Ada', 'a dry run changed nothing');

  const real = await patch('dry_run=0');
  t.equal(real.statusCode, 200);
  const changed = await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(u.token) });
  t.equal(changed.json().data.first_name, 'Dry', 'dry_run=0 is a real update');

  const bad = await patch('dry_run=maybe');
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().error.errors[0].context.attribute, 'dry_run');
});

t.test('query numbers are coerced, garbage is named', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const ok = await app.inject({ method: 'GET', url: '/1/countries?per_page=2&page=3', headers: bearer(u.token) });
  t.equal(ok.statusCode, 200);
  t.equal(ok.json().page, 3);
  const bad = await app.inject({ method: 'GET', url: '/1/countries?per_page=two', headers: bearer(u.token) });
  t.equal(bad.statusCode, 422);
  t.same(
    bad.json().error.errors.map((e: { context: { attribute: string } }) => e.context.attribute),
    ['per_page'],
  );
});
