import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { teamsUrl, teamUrl, teamUsersUrl } from '../../factories/teams.js';
import { addTeam, createMember } from '../../factories/organisations.js';

// Who may call each teams route, from one table: each role, the team's own owner (a normal
// member), and an admin naming another organisation's team they own. A route added to the module
// without a row here fails the first test. No token, a token without the `accounts` scope, a
// member of another organisation, another organisation's team by the owner and a normal member on
// an admin route are the isolation matrix's (test/modules/isolation.test.ts), for every
// organisation route.

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

    if (r.level === 'member')
      t.equal((await attempt(r, normal.token)).statusCode, r.success, 'a normal member who does not own the team');

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
