import t from 'tap';
import { buildTestApp, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { listUsers, refusal } from '../../factories/members.js';
import {
  addInvitation,
  addProduct,
  addTeam,
  createMember,
  createOrg,
  grantRights,
  nowS as now,
} from '../../factories/organisations.js';

const ITEM_FIELDS = [
  'avatar',
  'display_name',
  'email',
  'first_name',
  'has_billing_access',
  'has_no_manager_access',
  'invitation_id',
  'is_correspondent',
  'is_correspondent_billing',
  'is_sso',
  'is_workspace_only',
  'language_id',
  'last_login_at',
  'last_name',
  'partnership_id',
  'role_type',
  'state_in_account',
  'unique_key',
  'user_id',
].sort();
const RELATIONS = [
  'teams',
  'permissions',
  'preferences',
  'security',
  'pending_invitations',
  'invitation_details',
  'service_permissions',
  'app_access',
  'drive_infos',
  'kchat_infos',
];
const day = 86_400;

type Item = Record<string, unknown> & { user_id: number | null; invitation_id: number | null; unique_key: string };
const keys = (items: Item[]) => items.map((i) => i.unique_key);

const database = await testDatabase(t);

t.test('GET /2/accounts/{account}/users', async (t) => {
  const app = await buildTestApp(t, { database });
  const db = app.db;
  const org = await createOrg(db);
  await db
    .updateTable('users')
    .set({ first_name: 'Zoe', last_name: 'Owner', last_login_at: now() - day })
    .where('id', '=', org.owner.id)
    .execute();
  await db
    .updateTable('users')
    .set({ first_name: 'Adam', last_name: 'Admin', last_login_at: now() - 2 * day })
    .where('id', '=', org.admin.id)
    .execute();
  await db
    .updateTable('users')
    .set({ first_name: 'Nina', last_name: 'Normal', email: 'nina.NORMAL@example.test' })
    .where('id', '=', org.normal.id)
    .execute();
  const { id: support } = await addTeam(db, org.id, { name: 'Support', members: [org.normal.id], color_id: 3 });
  const { id: sales } = await addTeam(db, org.id, {
    name: 'Sales',
    members: [org.normal.id, org.admin.id],
    color_id: 3,
  });
  const domain = await addProduct(db, org.id, 'domain');
  const otherDomain = await addProduct(db, org.id, 'domain');
  const hosting = await addProduct(db, org.id, 'web_hosting');
  await grantRights(db, domain.id, org.normal.id, { technical: true, check: true });
  const pending = await addInvitation(db, org.id, {
    first_name: 'Paula',
    last_name: 'Pending',
    role_type: 'admin',
    has_billing: true,
    team_ids: [support],
    permissions: [
      { service_id: domain.service_id, apply_to_all: true, types: ['statistic'] },
      { service_id: hosting.service_id, product_id: hosting.id, types: ['sale'] },
    ],
  });
  // Neither an expired nor an answered invitation is a pending invitee.
  await addInvitation(db, org.id, { first_name: 'Old', expired_at: now() - 60 });
  await addInvitation(db, org.id, { first_name: 'Done', status: 'accepted' });
  await addInvitation(db, org.id, { first_name: 'No', status: 'cancelled' });
  // The normal member is also invited again (an invitation addressed to a member).
  const reinvite = await addInvitation(db, org.id, { email: 'Nina.normal@example.test', role_type: 'admin' });
  const outsider = await createUser(db);
  await addInvitation(db, outsider.accountId, { first_name: 'Elsewhere' });

  const list = async (query = '', token = org.owner.token) => {
    const res = await listUsers(app, token, org.id, query);
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    return res.json<{ data: Item[]; total: number; page: number; pages: number; items_per_page: number }>();
  };

  t.test('members and pending invitees, with the upstream fields', async (t) => {
    const body = await list();
    t.equal(body.total, 5);
    t.same(keys(body.data), [
      `u${org.owner.id}`,
      `u${org.admin.id}`,
      `u${org.normal.id}`,
      `i${pending.id}`,
      `i${reinvite.id}`,
    ]);
    for (const item of body.data) t.same(Object.keys(item).sort(), ITEM_FIELDS, 'no relation unless asked');
    const owner = body.data[0];
    t.match(owner, {
      user_id: org.owner.id,
      invitation_id: null,
      first_name: 'Zoe',
      last_name: 'Owner',
      display_name: 'Zoe Owner',
      email: org.owner.email,
      role_type: 'owner',
      state_in_account: 'valid',
      is_correspondent: true,
      is_correspondent_billing: false,
      is_workspace_only: false,
      has_no_manager_access: false,
      has_billing_access: true,
      is_sso: false,
      language_id: 2,
      partnership_id: null,
    });
    t.match(owner.avatar, new RegExp(`/avatars/${org.owner.id}/default\\.svg$`));
    t.ok(Math.abs((owner.last_login_at as number) - (now() - day)) < 10);
    t.equal(body.data[2].has_billing_access, false, 'a normal member has no billing access by default');
    t.equal(body.data[2].last_login_at, null);
    t.match(body.data[3], {
      user_id: null,
      invitation_id: pending.id,
      first_name: 'Paula',
      last_name: 'Pending',
      display_name: 'Paula Pending',
      email: pending.email,
      role_type: 'admin',
      state_in_account: 'pending',
      has_billing_access: true,
      avatar: null,
      last_login_at: null,
      language_id: 2,
    });
  });

  t.test('a normal member may list too; an admin as well', async (t) => {
    t.equal((await list('', org.normal.token)).total, 5);
    t.equal((await list('', org.admin.token)).total, 5);
  });

  t.test('filters, as filter[x] and as plain x', async (t) => {
    const both = async (name: string, value: string) => {
      const filterKey = name.endsWith('[]') ? `filter[${name.slice(0, -2)}][]` : `filter[${name}]`;
      const a = keys((await list(`${filterKey}=${value}`)).data);
      const b = keys((await list(`${name}=${value}`)).data);
      t.same(a, b, `${name}: both spellings agree`);
      return a;
    };
    t.same(await both('role_type', 'admin'), [`u${org.admin.id}`, `i${pending.id}`, `i${reinvite.id}`]);
    t.same(await both('role_type', 'owner'), [`u${org.owner.id}`]);
    t.same(await both('state_in_account', 'pending'), [`i${pending.id}`, `i${reinvite.id}`]);
    t.same(await both('state_in_account', 'valid'), [`u${org.owner.id}`, `u${org.admin.id}`, `u${org.normal.id}`]);
    t.same(await both('search', 'pend'), [`i${pending.id}`], 'search matches a name');
    t.same(
      await both('search', 'NINA.normal'),
      [`u${org.normal.id}`, `i${reinvite.id}`],
      'search matches emails, case-insensitively',
    );
    t.same(await both('search', 'zoe%20owner'), [`u${org.owner.id}`], 'search matches the display name');
    t.same(await both('search', '%25'), [], 'a LIKE wildcard is searched literally');
    t.same(await both('has_billing_access', '1'), [`u${org.owner.id}`, `u${org.admin.id}`, `i${pending.id}`]);
    t.same(await both('has_billing_access', 'false'), [`u${org.normal.id}`, `i${reinvite.id}`]);
    t.same(
      await both('team_ids[]', String(support)),
      [`u${org.normal.id}`, `i${pending.id}`],
      'a team: its members and the invitees bound for it',
    );
    t.same(keys((await list(`filter[team_ids][]=${sales}&filter[team_ids][]=${support}`)).data), [
      `u${org.admin.id}`,
      `u${org.normal.id}`,
      `i${pending.id}`,
    ]);
    t.same(await both('user_ids[]', String(org.admin.id)), [`u${org.admin.id}`], 'user ids exclude pending invitees');
    t.same(
      keys((await list(`user_ids[]=${org.owner.id}&user_ids[]=${org.normal.id}&user_ids[]=${outsider.id}`)).data),
      [`u${org.owner.id}`, `u${org.normal.id}`],
    );
    t.same(
      keys((await list(`filter[role_type]=admin&filter[state_in_account]=valid`)).data),
      [`u${org.admin.id}`],
      'filters combine',
    );
    t.equal(
      (await list(`filter[role_type]=admin&return=total`)).data,
      3 as never,
      'return=total counts the filtered rows',
    );
  });

  t.test('bad filters are refused, never ignored', async (t) => {
    for (const q of [
      'filter[drive_id]=3',
      'role_type=client',
      'filter[state_in_account]=gone',
      'user_ids[]=abc',
      'has_billing_access=maybe',
    ]) {
      const res = await listUsers(app, org.owner.token, org.id, q);
      t.equal(res.statusCode, 422, q);
      t.equal(res.json().error.code, 'validation_failed');
    }
  });

  t.test('pagination: page/per_page, limit/skip, return=total', async (t) => {
    const p2 = await list('page=2&per_page=2');
    t.same(keys(p2.data), [`u${org.normal.id}`, `i${pending.id}`]);
    t.match(p2, { total: 5, page: 2, pages: 3, items_per_page: 2 });
    const skipped = await list('limit=2&skip=3');
    t.same(keys(skipped.data), [`i${pending.id}`, `i${reinvite.id}`]);
    t.match(skipped, { total: 5, items_per_page: 2 });
    const total = await listUsers(app, org.owner.token, org.id, 'return=total');
    t.same(total.json(), { result: 'success', data: 5 });
    t.equal(
      (await listUsers(app, org.owner.token, org.id, 'page=11&per_page=1000')).statusCode,
      400,
      'beyond the result window',
    );
  });

  t.test('sorting on the upstream fields', async (t) => {
    t.same(keys((await list('order_by=first_name')).data), [
      `u${org.admin.id}`,
      `i${reinvite.id}`,
      `u${org.normal.id}`,
      `i${pending.id}`,
      `u${org.owner.id}`,
    ]);
    t.same(keys((await list('order_by=first_name&order=desc')).data), [
      `u${org.owner.id}`,
      `i${pending.id}`,
      `u${org.normal.id}`,
      `i${reinvite.id}`,
      `u${org.admin.id}`,
    ]);
    t.same(keys((await list('order_for[last_name]=desc')).data), [
      `i${pending.id}`,
      `u${org.owner.id}`,
      `u${org.normal.id}`,
      `i${reinvite.id}`,
      `u${org.admin.id}`,
    ]);
    t.same(
      keys((await list('order_by=role_type')).data).slice(0, 1),
      [`u${org.owner.id}`],
      'roles sort by rank, owner first',
    );
    t.same(keys((await list('order_by=role_type&order=desc')).data).slice(0, 1), [`u${org.normal.id}`]);
    t.same(keys((await list('order_by=last_login_at&filter[state_in_account]=valid')).data), [
      `u${org.admin.id}`,
      `u${org.owner.id}`,
      `u${org.normal.id}`,
    ]);
    const emails = (await list('order_by[]=email')).data.map((i) => (i.email as string).toLowerCase());
    t.same(emails, [...emails].sort());
    const names = (await list('order_by=display_name')).data.map((i) => i.display_name);
    t.same(names, ['Adam Admin', 'Grace Hopper', 'Nina Normal', 'Paula Pending', 'Zoe Owner']);
    t.same(keys((await list('order_by=state_in_account&order=desc')).data).slice(0, 3), [
      `u${org.owner.id}`,
      `u${org.admin.id}`,
      `u${org.normal.id}`,
    ]);
    const bad = await listUsers(app, org.owner.token, org.id, 'order_by=password_hash');
    t.same(refusal(bad), { status: 422, code: 'validation_failed', reason: undefined, attributes: ['order_by'] });
  });

  t.test('with=teams,permissions loads them for members and for invitees', async (t) => {
    const body = await list('with=teams,permissions');
    const byKey = new Map(body.data.map((i) => [i.unique_key, i]));
    const normal = byKey.get(`u${org.normal.id}`)!;
    t.same(
      (normal.teams as { name: string }[]).map((x) => x.name),
      ['Sales', 'Support'],
    );
    t.match((normal.teams as Record<string, unknown>[])[0], {
      id: sales,
      name: 'Sales',
      color_id: 3,
      owned_by_id: null,
    });
    t.same(normal.permissions, [
      {
        product_id: domain.id,
        service_id: domain.service_id,
        service_name: 'domain',
        technical: true,
        statistic: false,
        check: true,
        sale: false,
      },
    ]);
    t.same(byKey.get(`u${org.owner.id}`)!.teams, []);
    t.same(byKey.get(`u${org.owner.id}`)!.permissions, []);
    const invitee = byKey.get(`i${pending.id}`)!;
    t.same(
      (invitee.teams as { id: number }[]).map((x) => x.id),
      [support],
    );
    t.same(
      (invitee.permissions as { product_id: number }[]).map((p) => p.product_id),
      [domain.id, otherDomain.id, hosting.id],
    );
    t.match((invitee.permissions as Record<string, unknown>[])[2], {
      product_id: hosting.id,
      sale: true,
      statistic: false,
    });
    for (const item of body.data) t.notOk('preferences' in item, 'only what was asked');
  });

  t.test('every upstream relation is accepted; with=* loads them all', async (t) => {
    for (const r of RELATIONS) {
      const res = await listUsers(app, org.owner.token, org.id, `with=${r}`);
      t.equal(res.statusCode, 200, r);
      t.ok(
        (res.json().data as Item[]).every((i) => r in i),
        `${r} is present`,
      );
    }
    const all = await list('with=*');
    const byKey = new Map(all.data.map((i) => [i.unique_key, i]));
    const normal = byKey.get(`u${org.normal.id}`)!;
    t.same(normal.preferences, { mailing: true, billing_mailing: false });
    t.same(normal.security, { otp: false, double_auth: false });
    t.same(
      (normal.pending_invitations as { id: number }[]).map((i) => i.id),
      [reinvite.id],
      "an invitation to the member's address",
    );
    t.equal(normal.invitation_details, null);
    t.same(byKey.get(`u${org.owner.id}`)!.pending_invitations, []);
    const invitee = byKey.get(`i${pending.id}`)!;
    t.equal(invitee.security, null);
    t.match(invitee.invitation_details, {
      id: pending.id,
      status: 'pending',
      strict: true,
      silent: false,
      locale: 'fr_FR',
    });
    t.same(
      [invitee.service_permissions, invitee.app_access, invitee.drive_infos, invitee.kchat_infos],
      [[], [], [], null],
    );
    const unknown = await listUsers(app, org.owner.token, org.id, 'with=teams,secrets');
    t.same(refusal(unknown), { status: 422, code: 'validation_failed', reason: undefined, attributes: ['with'] });
    t.same(unknown.json().error.errors[0].context.values, RELATIONS);
  });

  // No token, a token without the accounts scope, a member of another organisation and an
  // organisation that does not exist are the isolation matrix's (test/modules/isolation.test.ts).
  t.test('a former member loses access at once', async (t) => {
    const gone = await createMember(db, org.id, 'normal');
    await db.deleteFrom('account_members').where('user_id', '=', gone.id).where('account_id', '=', org.id).execute();
    t.equal((await listUsers(app, gone.token, org.id)).statusCode, 404);
  });
});
