import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { teamsUrl, teamUrl, teamUsersUrl } from '../../factories/teams.js';
import { addMember, addTeam, createMember } from '../../factories/organisations.js';

// Who may call each teams route, from one table. Every route is tried without a token, with a
// token lacking the `accounts` scope, by a member of another organisation, on another
// organisation's team, and with each role; a route added to the module without a row here
// fails the first test.

type Level = 'member' | 'manager' | 'admin';
interface Route {
  op: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: (org: number, team: number) => string;
  /** Who may: any member, admins and the team's owner, or admins only. */
  level: Level;
  team: boolean;
  success: number;
  body?: (ctx: { inTeam: number; notInTeam: number }) => unknown;
}

let seq = 0;
const ROUTES: Route[] = [
  { op: 'listTeams', method: 'GET', url: (o) => teamsUrl(o), level: 'member', team: false, success: 200 },
  {
    op: 'createTeam',
    method: 'POST',
    url: (o) => teamsUrl(o),
    level: 'admin',
    team: false,
    success: 201,
    body: () => ({ name: `Access ${++seq}` }),
  },
  { op: 'getTeam', method: 'GET', url: teamUrl, level: 'member', team: true, success: 200 },
  {
    op: 'updateTeam',
    method: 'PATCH',
    url: teamUrl,
    level: 'manager',
    team: true,
    success: 200,
    body: () => ({ color_id: 4 }),
  },
  { op: 'deleteTeam', method: 'DELETE', url: teamUrl, level: 'admin', team: true, success: 200 },
  { op: 'listTeamUsers', method: 'GET', url: teamUsersUrl, level: 'member', team: true, success: 200 },
  {
    op: 'addTeamUsers',
    method: 'POST',
    url: teamUsersUrl,
    level: 'manager',
    team: true,
    success: 201,
    body: ({ notInTeam }) => ({ user_ids: [notInTeam] }),
  },
  {
    op: 'removeTeamUsers',
    method: 'DELETE',
    url: teamUsersUrl,
    level: 'manager',
    team: true,
    success: 200,
    body: ({ inTeam }) => ({ user_ids: [inTeam] }),
  },
];

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const org = owner.accountId;
const admin = await createMember(app.db, org, 'admin');
const normal = await createMember(app.db, org, 'normal');
const lead = await createMember(app.db, org, 'normal');
const spare = await createMember(app.db, org, 'normal');
const unscoped = await createUser(app.db, { scopes: ['user_info', 'billing'] });
await addMember(app.db, org, unscoped.id, 'owner');
const outsider = await createUser(app.db);

/** A fresh team of the organisation, owned by `lead`, with `normal` in it. */
const freshTeam = () => addTeam(app.db, org, { owned_by_id: lead.id, members: [normal.id] });
const createdByApi = async () =>
  (await app.db.selectFrom('teams').select('id').where('name', 'like', 'Access %').execute()).length;

/** The call on a fresh team (unless one is given); returns the answer and the team used. */
async function attempt(r: Route, token: string | null, accountId = org, teamId?: number) {
  const team = teamId ?? (await freshTeam()).id;
  const res = await call(
    app,
    token,
    r.method,
    r.url(accountId, team),
    r.body?.({ inTeam: normal.id, notInTeam: spare.id }),
  );
  return Object.assign(res, { team });
}

/** A refused call left its team as it was: still there, same colour, same members; and no team was created. */
async function untouched(team: number, createdBefore: number) {
  const row = await app.db.selectFrom('teams').select('color_id').where('id', '=', team).executeTakeFirst();
  const members = await app.db.selectFrom('team_members').select('user_id').where('team_id', '=', team).execute();
  return (
    row?.color_id === 0 &&
    members.length === 1 &&
    members[0].user_id === normal.id &&
    (await createdByApi()) === createdBefore
  );
}

t.test('the table lists every teams route of the application', async (t) => {
  const doc = app.swagger() as { paths: Record<string, Record<string, { operationId?: string }>> };
  const registered = Object.entries(doc.paths)
    .filter(([path]) => /^\/1\/accounts\/\{account\}\/teams/.test(path))
    .flatMap(([, ops]) => Object.values(ops).map((o) => o.operationId));
  t.same(registered.sort(), ROUTES.map((r) => r.op).sort());
});

for (const r of ROUTES) {
  t.test(`${r.op}: ${r.method} ${r.url(0, 0).replace(/\/0/g, '/{…}')}`, async (t) => {
    const created = await createdByApi();

    const anonymous = await attempt(r, null);
    t.equal(anonymous.statusCode, 401, 'no token');
    t.equal(anonymous.json().error.code, 'not_authorized');
    t.ok(await untouched(anonymous.team, created), 'nothing changed');

    const noScope = await attempt(r, unscoped.token);
    t.equal(noScope.statusCode, 403, "a token without the accounts scope, even an owner's");
    t.equal(noScope.json().error.code, 'access_denied');
    t.match(noScope.json().error.description, /accounts/);
    t.ok(await untouched(noScope.team, created), 'nothing changed');

    const foreignOrg = await attempt(r, outsider.token);
    t.equal(foreignOrg.statusCode, 404, 'a member of another organisation');
    t.equal(foreignOrg.json().error.code, 'object_not_found');
    t.ok(await untouched(foreignOrg.team, created), 'nothing changed');
    t.same(
      (await attempt(r, outsider.token, 99_999_999)).json(),
      foreignOrg.json(),
      'same answer as an organisation that does not exist',
    );

    if (r.team) {
      const foreignTeam = await addTeam(app.db, outsider.accountId, { owned_by_id: admin.id, members: [outsider.id] });
      const res = await attempt(r, admin.token, org, foreignTeam.id);
      t.equal(res.statusCode, 404, "another organisation's team through this one, even by an admin who owns it");
      t.equal(res.json().error.code, 'object_not_found');
      t.same(
        (await attempt(r, admin.token, org, 99_999_999)).json(),
        res.json(),
        'same answer as a team that does not exist',
      );
      const still = await app.db
        .selectFrom('teams')
        .select('color_id')
        .where('id', '=', foreignTeam.id)
        .executeTakeFirst();
      const members = await app.db
        .selectFrom('team_members')
        .select('user_id')
        .where('team_id', '=', foreignTeam.id)
        .execute();
      t.ok(
        still?.color_id === 0 && members.length === 1 && members[0].user_id === outsider.id,
        'the foreign team is untouched',
      );
    }

    const asNormal = await attempt(r, normal.token);
    t.equal(asNormal.statusCode, r.level === 'member' ? r.success : 403, 'a normal member who does not own the team');
    if (r.level !== 'member') {
      t.equal(asNormal.json().error.code, 'access_denied');
      t.ok(await untouched(asNormal.team, created), 'nothing changed');
    }

    if (r.team) {
      const asLead = await attempt(r, lead.token);
      t.equal(asLead.statusCode, r.level === 'admin' ? 403 : r.success, "the team's owner, a normal member");
      if (r.level === 'admin') t.ok(await untouched(asLead.team, created), 'nothing changed');
    }

    for (const [who, u] of [
      ['an admin', admin],
      ['an owner', owner],
    ] as const) {
      const createdBefore = await createdByApi();
      const res = await attempt(r, u.token);
      t.equal(res.statusCode, r.success, who);
      t.equal(res.json().result, 'success');
      // The positive control: `untouched` does tell a write from no write.
      t.equal(
        await untouched(res.team, createdBefore),
        r.method === 'GET',
        r.method === 'GET' ? 'a read changes nothing' : `${who}'s call is seen as a change`,
      );
    }
  });
}
