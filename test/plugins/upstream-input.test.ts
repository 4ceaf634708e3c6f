import t from 'tap';
import { bearer, buildTestApp } from '../helper.js';
import { createOrg, failedAttributes } from '../factories/organisations.js';
import { teamsUrl } from '../factories/teams.js';
import { createUser } from '../factories/users.js';

// What upstream's validator accepts, accepted alike: an integer rule takes a numeric string, a
// boolean rule 0, 1, "0" and "1", and a query array comes as `a[]=`, `a[0]=` or plain `a=`.

t.test('a body integer may be a numeric string', async (t) => {
  const app = await buildTestApp(t);
  const org = await createOrg(app.db);
  const post = (payload: object) =>
    app.inject({ method: 'POST', url: teamsUrl(org.id), headers: bearer(org.owner.token), payload });

  const made = await post({ name: 'Numeric', owned_by_id: String(org.admin.id), color_id: '3' });
  t.equal(made.statusCode, 201, made.body);
  t.equal(made.json().data.owned_by_id, org.admin.id, 'read as the integer it spells');
  t.equal(made.json().data.color_id, 3);
  t.equal(typeof made.json().data.color_id, 'number');

  for (const bad of ['3.5', '0x10', '1e3', ' 3', 'three', '']) {
    const res = await post({ name: `Bad ${bad}`, color_id: bad });
    t.equal(res.statusCode, 422, `color_id ${JSON.stringify(bad)}`);
    t.same(failedAttributes(res.json()), ['color_id']);
    t.equal(res.json().error.errors[0].code, 'validation_rule_integer');
  }
  const tooBig = await post({ name: 'Big', color_id: '99999' });
  t.equal(tooBig.statusCode, 422, 'a numeric string still meets its bounds');
  t.equal(tooBig.json().error.errors[0].code, 'validation_rule_max');
  const boolean = await post({ name: 'Bool', color_id: true });
  t.equal(boolean.statusCode, 422, 'a boolean is no integer');
  const name = await post({ name: 5 });
  t.equal(name.statusCode, 422, 'a number is still no string');
  t.equal(name.json().error.errors[0].code, 'validation_rule_string');
});

t.test('a body boolean may be 0, 1, "0" or "1"', async (t) => {
  const app = await buildTestApp(t);
  const owner = await createUser(app.db);
  const patch = (value: unknown) =>
    app.inject({
      method: 'PATCH',
      url: `/1/accounts/${owner.accountId}`,
      headers: bearer(owner.token),
      payload: { has_2fa_required: value },
    });
  for (const [value, expected] of [
    [1, true],
    [0, false],
    ['1', true],
    ['0', false],
    [true, true],
    [false, false],
  ] as const) {
    const res = await patch(value);
    t.equal(res.statusCode, 200, `${JSON.stringify(value)}: ${res.body}`);
    t.equal(res.json().data.has_2fa_required, expected, `${JSON.stringify(value)} reads as ${expected}`);
  }
  for (const bad of [2, 'true', 'yes', -1, '01']) {
    const res = await patch(bad);
    t.equal(res.statusCode, 422, `${JSON.stringify(bad)} is refused`);
    t.equal(res.json().error.errors[0].code, 'validation_rule_boolean');
  }
});

t.test('query arrays: indexed, bracketed and plain forms read alike', async (t) => {
  const app = await buildTestApp(t);
  const org = await createOrg(app.db);
  const ids = async (query: string) => {
    const url = `/2/accounts/${org.id}/users?${query}`;
    const res = await app.inject({ method: 'GET', url, headers: bearer(org.owner.token) });
    t.equal(res.statusCode, 200, `${query}: ${res.body}`);
    return res
      .json()
      .data.map((m: { user_id: number }) => m.user_id)
      .sort((a: number, b: number) => a - b);
  };
  const wanted = [org.owner.id, org.normal.id].sort((a, b) => a - b);
  t.equal((await ids('')).length, 3, 'three members without a filter');
  t.same(await ids(`user_ids[]=${org.owner.id}&user_ids[]=${org.normal.id}`), wanted);
  t.same(await ids(`user_ids[0]=${org.owner.id}&user_ids[1]=${org.normal.id}`), wanted, 'indexed');
  t.same(await ids(`user_ids=${org.owner.id}&user_ids=${org.normal.id}`), wanted, 'plain');
  t.same(await ids(`user_ids[0]=${org.owner.id}&user_ids[]=${org.normal.id}`), wanted, 'mixed');
  t.same(await ids(`filter[user_ids][0]=${org.owner.id}&filter[user_ids][1]=${org.normal.id}`), wanted, 'nested');

  const bad = await app.inject({
    method: 'GET',
    url: '/1/countries?only_enabled_exception[0]=x',
    headers: bearer(org.owner.token),
  });
  t.equal(bad.statusCode, 422);
  t.same(failedAttributes(bad.json()), ['only_enabled_exception.0']);
  const good = await app.inject({
    method: 'GET',
    url: '/1/countries?only_enabled=1&only_enabled_exception[0]=203&search=swit',
    headers: bearer(org.owner.token),
  });
  t.equal(good.statusCode, 200, 'the form of the issue is read');
  t.equal(good.json().total, 1);
});
