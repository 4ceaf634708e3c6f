import t from 'tap';
import { bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { watchStatements } from '../../statements.js';
import {
  addInvitation,
  addMember,
  addProduct,
  addTag,
  type App,
  createMember,
  grantRights,
  tagProduct,
} from '../../factories/organisations.js';

// Every field of upstream's account object, plus the mirror's `currency`.
const ACCOUNT_FIELDS = [
  'id',
  'name',
  'legal_entity_type',
  'created_at',
  'addresses',
  'timezone',
  'website',
  'phone',
  'fax',
  'language',
  'locale',
  'language_id',
  'logo',
  'logo_square',
  'order',
  'beta',
  'support_level',
  'has_2fa_required',
  'type',
  'billing',
  'mailing',
  'billing_mailing',
  'workspace_only',
  'no_access',
  'is_blocked',
  'blocked_at',
  'vat_number',
  'field1',
  'field2',
  'tags',
  'services_already_demo',
  'customization_url',
  'nb_invitations',
  'nb_users',
  'count_owners',
  'is_customer',
  'is_sso',
  'has_full_access',
  'has_customer_paiement_method',
  'partner_id',
  'in_partnership_full_access',
  'in_partnership_limited',
  'support_premium',
  'is_user_has_ksuite_access',
  'is_user_email_account_mailbox_exist',
  'ksuite_id',
  'my_ksuite',
  'currency',
].sort();

const get = (app: App, token: string, url: string) => app.inject({ method: 'GET', url, headers: bearer(token) });
async function data(app: App, token: string, url: string) {
  const res = await get(app, token, url);
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body}`);
  return res.json().data;
}

const database = await testDatabase(t);

t.test('GET /1/accounts/:account_id', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const org = owner.accountId;
  const admin = await createMember(app.db, org, 'admin', { has_mailing: false, has_billing_mailing: true });
  const normal = await createMember(app.db, org, 'normal');
  const normalBilling = await createMember(app.db, org, 'normal', { has_billing_access: true });

  t.test("every field of the upstream object, with the owner's values", async (t) => {
    const account = await data(app, owner.token, `/1/accounts/${org}`);
    t.same(Object.keys(account).sort(), ACCOUNT_FIELDS);
    t.match(account, {
      id: org,
      legal_entity_type: 'individual',
      timezone: 'Europe/Zurich',
      locale: 'en_GB',
      language: 'en',
      language_id: 2,
      addresses: [],
      website: null,
      phone: null,
      fax: null,
      logo: null,
      logo_square: null,
      order: { waiting_payment: 0, in_process: 0, blocked_order_id: [] },
      beta: false,
      support_level: 0,
      has_2fa_required: false,
      type: 'owner',
      billing: true,
      mailing: true,
      billing_mailing: false,
      workspace_only: false,
      no_access: false,
      is_blocked: false,
      blocked_at: null,
      vat_number: null,
      field1: null,
      field2: null,
      tags: [],
      services_already_demo: [],
      customization_url: null,
      nb_invitations: 0,
      nb_users: 4,
      count_owners: 1,
      is_customer: false,
      is_sso: false,
      has_full_access: true,
      has_customer_paiement_method: false,
      partner_id: null,
      in_partnership_full_access: false,
      in_partnership_limited: false,
      support_premium: { is_active: false, expired_at: null },
      is_user_has_ksuite_access: false,
      is_user_email_account_mailbox_exist: false,
      ksuite_id: null,
      my_ksuite: null,
      currency: 'CHF',
    });
    t.type(account.created_at, 'number');
  });

  t.test("type, billing and full access follow the caller's role", async (t) => {
    const seen = async (u: TestUser) => {
      const a = await data(app, u.token, `/1/accounts/${org}`);
      return {
        type: a.type,
        billing: a.billing,
        has_full_access: a.has_full_access,
        mailing: a.mailing,
        billing_mailing: a.billing_mailing,
      };
    };
    t.same(await seen(owner), {
      type: 'owner',
      billing: true,
      has_full_access: true,
      mailing: true,
      billing_mailing: false,
    });
    t.same(await seen(admin), {
      type: 'admin',
      billing: true,
      has_full_access: true,
      mailing: false,
      billing_mailing: true,
    });
    t.same(await seen(normal), {
      type: 'normal',
      billing: false,
      has_full_access: false,
      mailing: true,
      billing_mailing: false,
    });
    t.same(await seen(normalBilling), {
      type: 'normal',
      billing: true,
      has_full_access: false,
      mailing: true,
      billing_mailing: false,
    });
  });

  t.test('counts: members, owners, pending invitations, tags, products', async (t) => {
    const u = await createUser(app.db);
    const second = await createMember(app.db, u.accountId, 'owner');
    await addInvitation(app.db, u.accountId, { email: 'a@example.test' });
    await addInvitation(app.db, u.accountId, { email: 'b@example.test' });
    await addInvitation(app.db, u.accountId, {
      email: 'expired@example.test',
      expired_at: Math.floor(Date.now() / 1000) - 60,
    });
    await addInvitation(app.db, u.accountId, { email: 'done@example.test', status: 'accepted' });
    const before = await data(app, u.token, `/1/accounts/${u.accountId}`);
    t.match(before, { nb_users: 2, count_owners: 2, nb_invitations: 2, is_customer: false, tags: [] });

    const { id: p1 } = await addProduct(app.db, u.accountId, 'domain');
    const { id: p2 } = await addProduct(app.db, u.accountId, 'hosting');
    const tag = await addTag(app.db, u.accountId, 'Clients', 3);
    await tagProduct(app.db, p1, tag);
    await tagProduct(app.db, p2, tag);
    const after = await data(app, u.token, `/1/accounts/${u.accountId}`);
    t.match(after, { is_customer: true, tags: [{ id: tag, name: 'Clients', color: 3, product_count: 2 }] });
    t.same(Object.keys(after.tags[0]).sort(), ['color', 'id', 'name', 'product_count']);

    // A normal member counts only the tagged products they hold a right on.
    const normalHere = await createMember(app.db, u.accountId, 'normal');
    await grantRights(app.db, p2, normalHere.id, { statistic: true });
    t.match((await data(app, normalHere.token, `/1/accounts/${u.accountId}`)).tags, [{ id: tag, product_count: 1 }]);
    t.equal((await data(app, second.token, `/1/accounts/${u.accountId}`)).type, 'owner');
  });

  t.test('with: known relations are accepted, an unknown one is 422 listing them', async (t) => {
    t.equal((await get(app, owner.token, `/1/accounts/${org}?with=logo,tags`)).statusCode, 200);
    const bad = await get(app, owner.token, `/1/accounts/${org}?with=logo,secrets`);
    t.equal(bad.statusCode, 422);
    t.match(bad.json().error.errors[0], { code: 'validation_rule_in', context: { attribute: 'with' } });
    t.ok(bad.json().error.errors[0].context.values.includes('logo'));
  });

  // No token, no scope, a foreign or unknown organisation: the isolation matrix's (test/modules/isolation.test.ts).
  t.test('an organisation id that is not a number is 422', async (t) => {
    t.equal((await get(app, owner.token, '/1/accounts/abc')).statusCode, 422);
  });
});

t.test('GET /1/accounts and the alias /1/account', async (t) => {
  const app = await buildTestApp(t, { database });
  const u = await createUser(app.db, { first_name: 'Zoe' });
  const other = await createUser(app.db);
  await app.db.updateTable('accounts').set({ name: 'beta corp' }).where('id', '=', u.accountId).execute();
  await app.db.updateTable('accounts').set({ name: 'Alpha SA' }).where('id', '=', other.accountId).execute();
  const third = await createUser(app.db);
  await app.db.updateTable('accounts').set({ name: 'Gamma' }).where('id', '=', third.accountId).execute();
  await addMember(app.db, other.accountId, u.id, 'normal');
  await addMember(app.db, third.accountId, u.id, 'admin');
  const stranger = await createUser(app.db);

  t.test("every organisation of the caller, each with the caller's role", async (t) => {
    const res = await get(app, u.token, '/1/accounts');
    t.equal(res.statusCode, 200);
    const list = res.json().data as { id: number; type: string }[];
    t.same(
      list.map((a) => [a.id, a.type]),
      [
        [u.accountId, 'owner'],
        [other.accountId, 'normal'],
        [third.accountId, 'admin'],
      ],
    );
    for (const a of list) t.same(Object.keys(a).sort(), ACCOUNT_FIELDS);
    t.notOk(
      list.some((a) => a.id === stranger.accountId),
      'never an organisation the caller is not in',
    );
    const mine = list.find((a) => a.id === u.accountId);
    t.same(mine, await data(app, u.token, `/1/accounts/${u.accountId}`), 'the list item equals the single object');
  });

  t.test('the singular alias answers the same', async (t) => {
    const plural = await get(app, u.token, '/1/accounts?order_by=name');
    const singular = await get(app, u.token, '/1/account?with=logo&order_by=name');
    t.equal(singular.statusCode, 200);
    t.same(singular.json(), plural.json());
  });

  t.test('sorting by name, case-insensitive, both directions', async (t) => {
    const names = async (query: string) =>
      ((await data(app, u.token, `/1/accounts?${query}`)) as { name: string }[]).map((a) => a.name);
    t.same(await names('order_by=name'), ['Alpha SA', 'beta corp', 'Gamma']);
    t.same(await names('order_by=name&order=desc'), ['Gamma', 'beta corp', 'Alpha SA']);
    t.same(await names('order_for[name]=desc'), ['Gamma', 'beta corp', 'Alpha SA']);
    const bad = await get(app, u.token, '/1/accounts?order_by=password');
    t.equal(bad.statusCode, 422);
    t.match(bad.json().error.errors[0], { context: { attribute: 'order_by' } });
  });

  t.test('page/per_page, limit/skip and return=total', async (t) => {
    const page2 = (await get(app, u.token, '/1/accounts?order_by=name&page=2&per_page=2')).json();
    t.match(page2, { total: 3, page: 2, pages: 2, items_per_page: 2 });
    t.same(
      page2.data.map((a: { name: string }) => a.name),
      ['Gamma'],
    );
    const skipped = (await get(app, u.token, '/1/accounts?order_by=name&skip=1&limit=1')).json();
    t.same(
      skipped.data.map((a: { name: string }) => a.name),
      ['beta corp'],
    );
    t.equal(skipped.total, 3);
    t.same((await get(app, u.token, '/1/accounts?return=total')).json(), { result: 'success', data: 3 });
    const plain = (await get(app, u.token, '/1/accounts')).json();
    t.equal(plain.total, 3);
  });

  t.test('with=bogus is 422', async (t) => {
    t.equal((await get(app, u.token, '/1/accounts?with=bogus')).statusCode, 422);
    t.equal((await get(app, u.token, '/1/accounts?with=logo')).statusCode, 200);
  });

  t.test('the list takes a fixed number of queries, whatever the number of organisations', async (t) => {
    // The statements of the list itself: without answers kept, the reads above would answer it.
    const app = await buildTestApp(t, { database, config: { ANSWER_CACHE_MB: 0 } });
    const queries: string[] = [];
    watchStatements(t, app, (sql) => queries.push(sql));
    await data(app, u.token, '/1/accounts');
    const few = queries.filter((q) => !q.includes('api_tokens')).length;
    queries.length = 0;
    for (let i = 0; i < 4; i++) {
      const extra = await createUser(app.db);
      await addMember(app.db, extra.accountId, u.id, 'normal');
    }
    queries.length = 0;
    const many = await data(app, u.token, '/1/accounts');
    t.equal(many.length, 7);
    t.equal(queries.filter((q) => !q.includes('api_tokens')).length, few, 'seven organisations cost what three did');
    t.ok(few >= 1 && few <= 3, `between 1 and 3 queries (got ${few})`);
  });
});
