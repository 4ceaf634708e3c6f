import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, call, needsPostgres, pgliteDatabase, testDatabase } from '../helper.js';
import { createToken, createUser } from '../factories/users.js';
import { addMember, addTeam } from '../factories/organisations.js';
import { nowSeconds } from '../../src/shared/time.js';

// Answers of reads kept (src/plugins/answer-cache.ts): a repeated GET on unchanged data is
// answered from memory, and never once anything it shows has changed, by whatever means, or to
// a caller who could not have been given it. /metrics counts the answers served again.

const database = await testDatabase(t);
// Whether an answer was served again is told on a database nothing else writes to: on Postgres
// any transaction of the cluster that writes (another test file's) makes the data new.
const quiet = await pgliteDatabase(t);

type App = Awaited<ReturnType<typeof buildTestApp>>;

/** How many kept answers the app has served again so far. */
async function served(app: App): Promise<number> {
  const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(/ikm_kept_answers_total\{outcome="served"\} (\d+)/.exec(body)?.[1] ?? 0);
}

/**
 * Runs `twice` until both its requests fall in one second of the mirror's clock (the second is
 * part of what an answer is kept under), then resolves with what it resolved with.
 */
async function inOneSecond<T>(twice: () => Promise<T>): Promise<T> {
  for (;;) {
    const second = nowSeconds();
    const result = await twice();
    if (nowSeconds() === second) return result;
  }
}

/** A user whose token was just used: its next use writes no last_used_at, which would change the data. */
async function readyUser(app: App) {
  const u = await createUser(app.db);
  await app.db.updateTable('api_tokens').set({ last_used_at: nowSeconds() }).where('id', '=', u.tokenId).execute();
  return u;
}

const teamNames = async (app: App, token: string, account: number) => {
  const res = await call(app, token, 'GET', `/1/accounts/${account}/teams`);
  t.equal(res.statusCode, 200, res.body);
  return (res.json().data as { name: string }[]).map((team) => team.name);
};

t.test('a repeated read is answered again, byte for byte, still counted by the limiter', async (t) => {
  const app = await buildTestApp(t, { database: quiet, config: { RATE_LIMIT_MAX: 10 } });
  const u = await readyUser(app);
  await addTeam(app.db, u.accountId, { name: 'Kept' });
  const url = `/1/accounts/${u.accountId}/teams`;
  const { first, again, before, after } = await inOneSecond(async () => {
    const first = await call(app, u.token, 'GET', url);
    const before = await served(app);
    const again = await call(app, u.token, 'GET', url);
    return { first, again, before, after: await served(app) };
  });
  t.equal(after, before + 1, 'served from memory');
  t.equal(again.statusCode, 200);
  t.equal(again.body, first.body);
  t.equal(again.headers['content-type'], first.headers['content-type']);
  t.not(again.headers['x-request-id'], first.headers['x-request-id'], 'a request id of its own');
  t.equal(Number(again.headers['x-ratelimit-remaining']), Number(first.headers['x-ratelimit-remaining']) - 1);
  const used = 10 - Number(again.headers['x-ratelimit-remaining']);
  for (let i = used; i < 10; i++) await call(app, u.token, 'GET', url);
  t.equal((await call(app, u.token, 'GET', url)).statusCode, 429, 'the limit holds');
});

t.test('a change through the API is seen by the next read', async (t) => {
  const app = await buildTestApp(t, { database });
  const u = await createUser(app.db);
  const team = await addTeam(app.db, u.accountId, { name: 'Before' });
  t.same(await teamNames(app, u.token, u.accountId), ['Before']);
  t.same(await teamNames(app, u.token, u.accountId), ['Before']);
  const renamed = await call(app, u.token, 'PATCH', `/1/accounts/${u.accountId}/teams/${team.id}`, { name: 'After' });
  t.equal(renamed.statusCode, 200, renamed.body);
  t.same(await teamNames(app, u.token, u.accountId), ['After']);
});

t.test('a change made beside the API (SQL, another instance) is seen by the next read', async (t) => {
  const app = await buildTestApp(t, { database });
  const other = await buildTestApp(t, { database });
  const u = await createUser(app.db);
  const team = await addTeam(app.db, u.accountId, { name: 'One' });
  t.same(await teamNames(app, u.token, u.accountId), ['One']);
  t.same(await teamNames(app, u.token, u.accountId), ['One']);
  await app.db.updateTable('teams').set({ name: 'Two' }).where('id', '=', team.id).execute();
  t.same(await teamNames(app, u.token, u.accountId), ['Two'], 'a statement of its own');
  const renamed = await call(other, u.token, 'PATCH', `/1/accounts/${u.accountId}/teams/${team.id}`, {
    name: 'Three',
  });
  t.equal(renamed.statusCode, 200, renamed.body);
  t.same(await teamNames(app, u.token, u.accountId), ['Three'], 'through another instance');
});

t.test('requests asking at once for an answer being made all get it', async (t) => {
  const app = await buildTestApp(t, { database: quiet });
  const u = await readyUser(app);
  await addTeam(app.db, u.accountId, { name: 'Asked at once' });
  const url = `/1/accounts/${u.accountId}/teams`;
  const answers = await Promise.all(Array.from({ length: 8 }, () => call(app, u.token, 'GET', url)));
  t.same(
    answers.map((a) => a.statusCode),
    Array(8).fill(200),
  );
  t.same(new Set(answers.map((a) => a.body)).size, 1, 'the same answer');
  t.same(await teamNames(app, u.token, u.accountId), ['Asked at once']);
});

t.test('never the answer of another caller', async (t) => {
  const app = await buildTestApp(t, { database });
  const a = await createUser(app.db);
  const b = await createUser(app.db);
  for (let i = 0; i < 2; i++) {
    t.equal((await call(app, a.token, 'GET', '/2/profile')).json().data.email, a.email);
    t.equal((await call(app, b.token, 'GET', '/2/profile')).json().data.email, b.email, 'the same URL, its own answer');
  }
  const foreign = await call(app, b.token, 'GET', `/1/accounts/${a.accountId}/teams`);
  t.equal(foreign.statusCode, 404, "another organisation's teams, after its owner's read");
  await call(app, a.token, 'GET', `/1/accounts/${a.accountId}/teams`);
  const narrow = await createToken(app.db, a.id, ['user_info']);
  const refused = await call(app, narrow.secret, 'GET', `/1/accounts/${a.accountId}/teams`);
  t.equal(refused.statusCode, 403, 'a token without the scope, after a read with one');
});

t.test("a member's view follows their role", async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const member = await createUser(app.db);
  await addMember(app.db, owner.accountId, member.id, 'normal');
  const url = `/2/accounts/${owner.accountId}/users`;
  t.equal((await call(app, member.token, 'GET', url)).statusCode, 200);
  t.equal((await call(app, member.token, 'GET', url)).statusCode, 200);
  await app.db
    .deleteFrom('account_members')
    .where('account_id', '=', owner.accountId)
    .where('user_id', '=', member.id)
    .execute();
  t.equal((await call(app, member.token, 'GET', url)).statusCode, 404, 'no longer a member: no longer an answer');
});

t.test('fault rules and the journal meet a repeated read as any other', async (t) => {
  const app = await buildTestApp(t, { database });
  const u = await createUser(app.db);
  await call(app, u.token, 'GET', '/2/profile');
  await call(app, u.token, 'GET', '/2/profile');
  const rule = await call(app, ADMIN_TOKEN, 'POST', '/_mirror/faults', {
    method: 'GET',
    path: '/2/profile',
    status: 503,
  });
  t.equal(rule.statusCode, 201, rule.body);
  t.equal((await call(app, u.token, 'GET', '/2/profile')).statusCode, 503);
  await call(app, ADMIN_TOKEN, 'DELETE', '/_mirror/faults');
  const journal = await call(app, ADMIN_TOKEN, 'GET', '/_mirror/requests');
  const lines = (journal.json().data as { path: string; status: number }[]).filter((l) => l.path === '/2/profile');
  t.same(lines.map((l) => l.status).sort(), [200, 200, 503], 'each read has its line');
});

t.test('a sandbox and the main data never share an answer', async (t) => {
  const app = await buildTestApp(t, { database });
  const alice = async (sandbox?: string) => {
    const headers: Record<string, string> = sandbox ? { 'x-mirror-sandbox': sandbox } : {};
    const seeded = await call(app, ADMIN_TOKEN, 'POST', '/_mirror/seed', { fixture: 'demo' }, headers);
    t.equal(seeded.statusCode, 200, seeded.body);
    const { users, organisations } = seeded.json().data as {
      users: { key: string; id: number; token: string }[];
      organisations: { id: number }[];
    };
    const user = users.find((x) => x.key === 'alice');
    if (!user) throw new Error('the demo fixture has alice');
    return { ...user, account: organisations[0].id };
  };
  const inMain = await alice();
  const inSandbox = await alice('kept-answers');
  t.same([inSandbox.id, inSandbox.account], [inMain.id, inMain.account], 'the same ids in both');
  const tags = `/1/accounts/${inMain.account}/tags`;
  const tagged = await call(app, inSandbox.token, 'POST', tags, { name: 'only-in-the-sandbox' });
  t.equal(tagged.statusCode, 201, tagged.body);
  // Both on real time, so that their reads can share a second of the clock (part of the key).
  for (const headers of [{}, { 'x-mirror-sandbox': 'kept-answers' }] as Record<string, string>[]) {
    t.equal((await call(app, ADMIN_TOKEN, 'PUT', '/_mirror/clock', { reset: true }, headers)).statusCode, 200);
  }
  const { main, there } = await inOneSecond(async () => {
    await call(app, inMain.token, 'GET', tags);
    // No write pending: on Postgres the sandbox's read below then sees the very snapshot the
    // main reads saw (transaction ids are the server's), so only the key's data number tells them apart.
    await app.tokenUsesWritten();
    await call(app, inMain.token, 'GET', tags);
    const main = (await call(app, inMain.token, 'GET', tags)).body;
    return { main, there: (await call(app, inSandbox.token, 'GET', tags)).body };
  });
  t.notMatch(main, 'only-in-the-sandbox');
  t.match(there, 'only-in-the-sandbox', "the sandbox's own answer");
  t.equal((await call(app, inMain.token, 'GET', tags)).body, main, 'the main data as it was');
});

t.test('what is not kept: refusals, answers without a caller, and none at all with ANSWER_CACHE_MB=0', async (t) => {
  const app = await buildTestApp(t, { database: quiet });
  const u = await readyUser(app);
  const twice = (token: string | null, url: string) =>
    inOneSecond(async () => {
      await call(app, token, 'GET', url);
      const before = await served(app);
      await call(app, token, 'GET', url);
      return (await served(app)) - before;
    });
  t.equal(await twice(u.token, '/1/accounts/999999999/teams'), 0, 'a 404');
  t.equal(await twice(null, '/1/countries'), 0, 'a public route');
  t.equal(await twice(u.token, '/2/profile'), 1, 'what is kept');

  const off = await buildTestApp(t, { database: quiet, config: { ANSWER_CACHE_MB: 0 } });
  const v = await readyUser(off);
  const before = await served(off);
  for (let i = 0; i < 3; i++) t.equal((await call(off, v.token, 'GET', '/2/profile')).statusCode, 200);
  t.equal(await served(off), before, 'off');
});

t.test(
  'over real HTTP, readers racing a writer: every read after a change shows it, none goes back',
  needsPostgres('concurrent transactions on several connections'),
  async (t) => {
    const app = await buildTestApp(t, { database });
    const u = await createUser(app.db);
    const team = await addTeam(app.db, u.accountId, { name: 'v0' });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${base}/1/accounts/${u.accountId}/teams`;
    const versionRead = async () => {
      const res = await fetch(url, { headers: bearer(u.token) });
      const body = (await res.json()) as { data: { name: string }[] };
      return Number(body.data[0].name.slice(1));
    };
    let written = 0;
    let done = false;
    const problems: string[] = [];
    const reader = async () => {
      let last = 0;
      while (!done) {
        const floor = written;
        const seen = await versionRead();
        if (seen < floor) problems.push(`read v${seen} after v${floor} was answered`);
        if (seen < last) problems.push(`read v${seen} after reading v${last}`);
        last = seen;
      }
    };
    const writer = async () => {
      for (let v = 1; v <= 40; v++) {
        const res = await fetch(`${url}/${team.id}`, {
          method: 'PATCH',
          headers: { ...bearer(u.token), 'content-type': 'application/json' },
          body: JSON.stringify({ name: `v${v}` }),
        });
        if (res.status !== 200) problems.push(`PATCH answered ${res.status}`);
        written = v;
        const own = await versionRead();
        if (own < v) problems.push(`the writer read v${own} after writing v${v}`);
      }
      done = true;
    };
    await Promise.all([writer(), ...Array.from({ length: 6 }, reader)]);
    t.same(problems, []);
    t.equal(await versionRead(), 40, 'the last change, once the writer stops');
  },
);
