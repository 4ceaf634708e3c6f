import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, call, type Method, sameDatabase, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';

// Sandboxes: a request naming one (X-Mirror-Sandbox, or a token made in it) acts on data of
// its own, with a clock, fault rules and journal of its own; parallel CI shards never meet.
// Only the admin token makes one.

// On the embedded database every sandbox is another PGlite (a few seconds each, more on a
// loaded machine), and this file makes a dozen: more time than the suite's default.
t.setTimeout(400_000);

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const SB = 'x-mirror-sandbox';
const admin = (method: Method, url: string, sandbox?: string, payload?: object) =>
  call(app, ADMIN_TOKEN, method, url, payload, sandbox ? { [SB]: sandbox } : {});
const get = (url: string, token: string, sandbox?: string) =>
  app.inject({ method: 'GET', url, headers: { ...bearer(token), ...(sandbox ? { [SB]: sandbox } : {}) } });

const main = await createUser(app.db);
// The first token of a seeded sandbox (id 1 there, as in every other), kept for a later test.
const firstTokens: Record<string, string> = {};

t.test(
  'a seeded sandbox: the same ids as anywhere, its tokens reach it without the header, the main data never sees it',
  async (t) => {
    const seeded = await admin('POST', '/_mirror/seed', 'shard-1', { fixture: 'demo' });
    t.equal(seeded.statusCode, 200, seeded.body);
    const alice = seeded.json().data.users.find((u: { key: string }) => u.key === 'alice');
    t.match(alice, { id: 1, email: 'alice@acme.example' });
    t.match(alice.token, /^ikm_sbx\.shard-1\.[A-Za-z0-9_-]{43}$/, 'the token names its sandbox');
    firstTokens['shard-1'] = seeded.json().data.users[0].token;

    const profile = await get('/2/profile', alice.token);
    t.equal(profile.statusCode, 200, profile.body);
    t.equal(profile.json().data.email, 'alice@acme.example');
    t.equal((await get('/2/profile', alice.token, 'shard-1')).statusCode, 200, 'with the header too');

    const other = await get('/2/profile', alice.token, 'shard-2');
    t.equal(other.statusCode, 400, 'a token of one sandbox named with another');
    t.match(other.json().error, { code: 'bad_request', context: { sandbox: 'shard-2', token_sandbox: 'shard-1' } });

    const mine = await get('/2/profile', main.token);
    t.equal(mine.json().data.email, main.email, 'the main data is untouched');
    t.equal(
      (await get('/2/profile', main.token, 'shard-1')).statusCode,
      401,
      'a main token means nothing in a sandbox',
    );
    const users = await app.db.selectFrom('users').select('email').execute();
    t.same(
      users.map((u) => u.email),
      [main.email],
      'no fixture user in the main database',
    );
  },
);

t.test("two sandboxes hold the same ids and never see each other's changes; reset empties one", async (t) => {
  const a = (await admin('POST', '/_mirror/seed', 'iso-a', { fixture: 'demo' })).json().data;
  const b = (await admin('POST', '/_mirror/seed', 'iso-b', { fixture: 'demo' })).json().data;
  t.same(
    a.organisations.map((o: { id: number }) => o.id),
    b.organisations.map((o: { id: number }) => o.id),
    'the same ids',
  );
  const tokenA = a.users[0].token;
  const tokenB = b.users[0].token;
  t.not(tokenA, tokenB, 'tokens differ by their sandbox');
  firstTokens['iso-b'] = tokenB;
  const account = a.organisations[0].id;

  const tag = await app.inject({
    method: 'POST',
    url: `/1/accounts/${account}/tags`,
    headers: bearer(tokenA),
    payload: { name: 'only-in-a' },
  });
  t.equal(tag.statusCode, 201, tag.body);
  const tagsOf = async (token: string) =>
    (await get(`/1/accounts/${account}/tags`, token)).json().data.map((x: { name: string }) => x.name);
  t.ok((await tagsOf(tokenA)).includes('only-in-a'));
  t.notOk((await tagsOf(tokenB)).includes('only-in-a'), "b does not see a's tag");

  const reset = await admin('POST', '/_mirror/reset', 'iso-a');
  t.equal(reset.statusCode, 200, reset.body);
  t.equal((await get('/2/profile', tokenA)).statusCode, 401, 'a is empty');
  t.equal((await get('/2/profile', tokenB)).statusCode, 200, 'b is as it was');
  t.equal((await get('/2/profile', main.token)).statusCode, 200, 'the main data is as it was');
});

t.test('a sandbox has its own clock, and moving it runs the renewals there', async (t) => {
  // iso-b of the test above, seeded again (making a sandbox is what costs, not seeding one).
  const reseeded = await admin('POST', '/_mirror/seed', 'iso-b', { fixture: 'demo' });
  firstTokens['iso-b'] = reseeded.json().data.users[0].token;
  const moved = await admin('PUT', '/_mirror/clock', 'iso-b', { advance: '10d' });
  t.equal(moved.statusCode, 200, moved.body);
  const there = moved.json().data;
  t.ok(
    there.now >= 1_796_083_200 + 10 * 86_400 && there.now < 1_796_083_200 + 10 * 86_400 + 120,
    "the fixture's time, 10 days on",
  );
  t.ok(
    Object.values(there.renewals as Record<string, number>).some((n) => n > 0),
    `the renewal run acted in the sandbox: ${JSON.stringify(there.renewals)}`,
  );
  const attempts = await app.db.selectFrom('renewal_attempts').select('id').execute();
  t.same(attempts, [], 'nothing renewed in the main database');
  const mainClock = (await admin('GET', '/_mirror/clock')).json().data;
  t.equal(mainClock.offset_seconds, 0, 'the main clock did not move');
  t.equal(
    (await admin('GET', '/_mirror/clock', 'iso-b')).json().data.offset_seconds,
    there.offset_seconds,
    'the sandbox keeps its time',
  );
});

t.test('fault rules and the journal belong to the sandbox they were made in', async (t) => {
  // iso-a of the test above (emptied by its reset), seeded again, its journal cleared.
  const sb = (await admin('POST', '/_mirror/seed', 'iso-a', { fixture: 'demo' })).json().data;
  const token = sb.users[0].token;
  await admin('DELETE', '/_mirror/requests');
  await admin('DELETE', '/_mirror/requests', 'iso-a');
  const rule = await admin('POST', '/_mirror/faults', 'iso-a', { path: '/2/profile', status: 503 });
  t.equal(rule.statusCode, 201, rule.body);
  t.equal(rule.json().data.sandbox, 'iso-a');
  t.equal((await get('/2/profile', token)).statusCode, 503, "the sandbox's request meets it");
  t.equal((await get('/2/profile', main.token)).statusCode, 200, "the main data's does not");
  t.same((await admin('GET', '/_mirror/faults')).json().data, [], 'not listed on the main data');
  t.equal((await admin('GET', '/_mirror/faults', 'iso-a')).json().data.length, 1);

  const journal = (await admin('GET', '/_mirror/requests', 'iso-a')).json().data;
  t.match(journal, [{ sandbox: 'iso-a', path: '/2/profile', status: 503 }]);
  const mainJournal = (await admin('GET', '/_mirror/requests')).json().data;
  t.ok(
    mainJournal.every((e: { sandbox: string | null }) => e.sandbox === null),
    'the main journal shows main requests only',
  );
  t.ok(mainJournal.some((e: { path: string; status: number }) => e.path === '/2/profile' && e.status === 200));

  t.equal((await admin('DELETE', '/_mirror/faults', 'iso-a')).statusCode, 200);
  t.equal((await get('/2/profile', token)).statusCode, 200, 'cleared');

  const withFault = (tok: string) =>
    app.inject({ method: 'GET', url: '/2/profile', headers: { ...bearer(tok), 'x-mirror-fault': 'status=502' } });
  t.same((await admin('PUT', '/_mirror/faults/header', 'iso-a', { enabled: true })).json().data, { enabled: true });
  t.equal((await withFault(token)).statusCode, 502, 'the header, switched on in the sandbox, counts there');
  t.equal((await withFault(main.token)).statusCode, 200, 'and not on the main data');
  t.same((await admin('GET', '/_mirror/faults/header')).json().data, { enabled: false }, 'whose switch is its own');
  await admin('PUT', '/_mirror/faults/header', 'iso-a', { enabled: false });
  t.equal((await withFault(token)).statusCode, 200, 'switched off');
  await admin('DELETE', '/_mirror/requests', 'iso-a');
  t.same((await admin('GET', '/_mirror/requests', 'iso-a')).json().data, []);
  t.ok((await admin('GET', '/_mirror/requests')).json().data.length > 0, 'the main journal kept');
});

t.test('a sandbox the control plane made starts empty: sign up in it with the header', async (t) => {
  t.equal((await admin('POST', '/_mirror/sandboxes', undefined, { name: 'fresh' })).statusCode, 201);
  const signup = await app.inject({
    method: 'POST',
    url: '/1/signup',
    headers: { [SB]: 'fresh' },
    payload: {
      email: 'new@fresh.test',
      password: 'Sunny-days-42',
      first_name: 'New',
      last_name: 'Person',
      locale: 'en_GB',
    },
  });
  t.equal(signup.statusCode, 201, signup.body);
  const token = signup.json().data.token.token;
  t.match(token, /^ikm_sbx\.fresh\./);
  t.equal((await get('/2/profile', token)).json().data.email, 'new@fresh.test');
  t.equal(
    await app.db.selectFrom('users').select('id').where('email', '=', 'new@fresh.test').executeTakeFirst(),
    undefined,
    'not in the main data',
  );
});

t.test('the control plane lists, makes and deletes sandboxes', async (t) => {
  const made = await admin('POST', '/_mirror/sandboxes', undefined, { name: 'made-ahead' });
  t.equal(made.statusCode, 201, made.body);
  const names = (await admin('GET', '/_mirror/sandboxes')).json().data.map((s: { name: string }) => s.name);
  for (const n of ['shard-1', 'iso-a', 'iso-b', 'fresh', 'made-ahead']) t.ok(names.includes(n), `${n} listed`);
  t.same(names, [...names].sort(), 'sorted');

  const token = (await admin('POST', '/_mirror/seed', 'made-ahead', { fixture: 'demo' })).json().data.users[0].token;
  t.equal((await admin('DELETE', '/_mirror/sandboxes/made-ahead')).statusCode, 200);
  t.notOk(
    (await admin('GET', '/_mirror/sandboxes')).json().data.some((s: { name: string }) => s.name === 'made-ahead'),
  );
  t.equal((await admin('DELETE', '/_mirror/sandboxes/made-ahead')).json().error.code, 'object_not_found', 'gone');
  const stale = await get('/2/profile', token);
  t.equal(stale.statusCode, 404, 'its data went with it');
  t.match(stale.json().error, {
    code: 'object_not_found',
    description: /made-ahead does not exist/,
    context: { sandbox: 'made-ahead' },
  });
  t.notOk(
    (await admin('GET', '/_mirror/sandboxes')).json().data.some((s: { name: string }) => s.name === 'made-ahead'),
    'and its token made none anew',
  );

  const bad = await admin('POST', '/_mirror/sandboxes', undefined, { name: 'Not OK' });
  t.equal(bad.statusCode, 422);
  t.equal(bad.json().error.errors[0].context.attribute, 'name');
  const badHeader = await get('/2/profile', main.token, '-nope');
  t.equal(badHeader.statusCode, 400);
  t.match(badHeader.json().error, { code: 'bad_request', context: { sandbox: '-nope' } });
  t.equal((await app.inject({ method: 'GET', url: '/_mirror/sandboxes' })).statusCode, 401, 'the admin token only');
});

t.test('concurrent first requests, on two instances, make one sandbox', async (t) => {
  const second = await buildTestApp(t, { database: sameDatabase(t, database) });
  const answers = await Promise.all(
    [app, second, app, second].map((a) =>
      a.inject({ method: 'POST', url: '/_mirror/sandboxes', headers: bearer(ADMIN_TOKEN), payload: { name: 'raced' } }),
    ),
  );
  t.same(
    answers.map((r) => r.statusCode),
    [201, 201, 201, 201],
    answers.map((r) => r.body).join('\n'),
  );
  // An instance that took no part: on Postgres it finds the sandbox the others made on the server.
  const third = await buildTestApp(t, { database: sameDatabase(t, database) });
  const signup = await third.inject({
    method: 'POST',
    url: '/1/signup',
    headers: { [SB]: 'raced' },
    payload: { email: 'r@raced.test', password: 'Sunny-days-42', first_name: 'Rae', last_name: 'Ced', locale: 'en_GB' },
  });
  t.equal(signup.statusCode, 201, signup.body);
  t.equal(
    (await get('/2/profile', signup.json().data.token.token)).statusCode,
    200,
    'the other instances see the same sandbox',
  );
});

t.test(
  'a sandbox deleted through one instance while another holds it open: that one lets go, and only the control plane makes it anew',
  async (t) => {
    const other = await buildTestApp(t, { database: sameDatabase(t, database) });
    const signUp = (a: typeof app) =>
      a.inject({
        method: 'POST',
        url: '/1/signup',
        headers: { [SB]: 'shared' },
        payload: {
          email: 's@shared.test',
          password: 'Sunny-days-42',
          first_name: 'Sha',
          last_name: 'Red',
          locale: 'en_GB',
        },
      });
    t.equal((await admin('POST', '/_mirror/sandboxes', undefined, { name: 'shared' })).statusCode, 201);
    const first = await signUp(other);
    t.equal(first.statusCode, 201, first.body);
    t.equal((await admin('DELETE', '/_mirror/sandboxes/shared')).statusCode, 200, 'deleted through the first instance');
    const onOther = await other.inject({
      method: 'GET',
      url: '/2/profile',
      headers: bearer(first.json().data.token.token),
    });
    if (database.kind === 'postgres') {
      // The other instance's pool still pointed at the dropped database.
      t.equal(onOther.statusCode, 409, onOther.body);
      t.match(onOther.json().error, { code: 'conflict_error', context: { sandbox: 'shared' } });
    } else {
      // The embedded database has one handle, whose sandboxes both apps share: already let go.
      t.equal(onOther.statusCode, 404, onOther.body);
    }
    t.equal((await signUp(other)).statusCode, 404, 'let go of: the other instance finds it gone, and makes none');
    t.equal(
      (await admin('POST', '/_mirror/sandboxes', undefined, { name: 'shared' })).statusCode,
      201,
      'the control plane makes it anew',
    );
    const again = await signUp(other);
    t.equal(again.statusCode, 201, `empty: the same address signs up again: ${again.body}`);
    t.equal(again.json().data.user.id, 1);
  },
);

t.test('over real HTTP, interleaved requests to two sandboxes each land in their own', async (t) => {
  for (const name of ['http-odd', 'http-even']) await admin('POST', '/_mirror/sandboxes', undefined, { name });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const signUp = (sandbox: string, i: number) =>
    fetch(`${base}/1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SB]: sandbox },
      body: JSON.stringify({
        email: `${sandbox}-${i}@http.test`,
        password: 'Sunny-days-42',
        first_name: 'Http',
        last_name: `N${i}`,
        locale: 'en_GB',
      }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { data: { token: { token: string } } } }));
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signUp(i % 2 ? 'http-odd' : 'http-even', i)));
  t.same(
    answers.map((a) => a.status),
    answers.map(() => 201),
  );
  for (const [i, a] of answers.entries()) {
    const sandbox = i % 2 ? 'http-odd' : 'http-even';
    t.match(a.body.data.token.token, new RegExp(`^ikm_sbx\\.${sandbox}\\.`));
  }
  const emailsIn = async (sandbox: string) =>
    await Promise.all(
      answers
        .filter((_, i) => (i % 2 ? 'http-odd' : 'http-even') === sandbox)
        .map(
          async (a) =>
            (
              (await (await fetch(`${base}/2/profile`, { headers: bearer(a.body.data.token.token) })).json()) as {
                data: { email: string };
              }
            ).data.email,
        ),
    );
  t.ok(
    (await emailsIn('http-odd')).every((e) => e.startsWith('http-odd-')),
    'each token finds its own user',
  );
  t.ok((await emailsIn('http-even')).every((e) => e.startsWith('http-even-')));
  const count = async (sandbox: string) =>
    (
      (await (
        await fetch(`${base}/_mirror/requests?path=/1/signup`, { headers: { ...bearer(ADMIN_TOKEN), [SB]: sandbox } })
      ).json()) as { data: unknown[] }
    ).data.length;
  t.equal(await count('http-odd'), 6, 'each journal holds its own six sign-ups');
  t.equal(await count('http-even'), 6);
});

t.test('the 60-per-minute limit counts each sandbox apart (token ids start at 1 in each)', async (t) => {
  const limited = await buildTestApp(t, { database: sameDatabase(t, database), config: { RATE_LIMIT_MAX: 3 } });
  // Two sandboxes seeded by the tests above: the first token of each.
  const [a, b] = [firstTokens['shard-1'], firstTokens['iso-b']];
  const profile = (token: string) => limited.inject({ method: 'GET', url: '/2/profile', headers: bearer(token) });
  const inA = [];
  for (let i = 0; i < 4; i++) inA.push((await profile(a)).statusCode);
  t.same(inA, [200, 200, 200, 429], 'token 1 of shard-1 reaches the limit');
  const inB = await profile(b);
  t.equal(inB.statusCode, 200, 'token 1 of iso-b has its own count');
  t.equal(inB.headers['x-ratelimit-remaining'], '2');
});

t.test('a limit on how many there are', async (t) => {
  const limited = await buildTestApp(t, { config: { MIRROR_SANDBOX_LIMIT: 1 } });
  t.equal(
    (
      await limited.inject({
        method: 'POST',
        url: '/_mirror/sandboxes',
        headers: bearer(ADMIN_TOKEN),
        payload: { name: 'one' },
      })
    ).statusCode,
    201,
  );
  const two = await limited.inject({
    method: 'GET',
    url: '/1/languages',
    headers: { ...bearer(ADMIN_TOKEN), [SB]: 'two' },
  });
  t.equal(two.statusCode, 400);
  t.match(two.json().error, { code: 'bad_request', context: { limit: 1 } });
});

t.test(
  'only the admin token makes a sandbox: naming one that does not exist is object_not_found, and makes nothing',
  async (t) => {
    const limited = await buildTestApp(t, { config: { MIRROR_SANDBOX_LIMIT: 2 } });
    const user = await createUser(limited.db);
    const signup = {
      email: 'x@ghost.test',
      password: 'Sunny-days-42',
      first_name: 'Gho',
      last_name: 'St',
      locale: 'en_GB',
    };
    const attempts = [
      ...Array.from({ length: 6 }, (_, i) => ({
        method: 'GET' as const,
        url: '/1/languages',
        headers: { [SB]: `ghost-${i}` },
      })),
      ...Array.from({ length: 4 }, (_, i) => ({
        method: 'GET' as const,
        url: '/2/profile',
        headers: bearer(`ikm_sbx.made-up-${i}.${'A'.repeat(43)}`),
      })),
      { method: 'GET' as const, url: '/2/profile', headers: { ...bearer(user.token), [SB]: 'ghost-user' } },
      { method: 'POST' as const, url: '/1/signup', headers: { [SB]: 'ghost-signup' }, payload: signup },
      {
        method: 'POST' as const,
        url: '/_mirror/seed',
        headers: { ...bearer(user.token), [SB]: 'ghost-seed' },
        payload: { fixture: 'demo' },
      },
      {
        method: 'GET' as const,
        url: '/1/languages',
        headers: { ...bearer(`${ADMIN_TOKEN}x`), [SB]: 'ghost-near-miss' },
      },
    ];
    for (const request of attempts) {
      const res = await limited.inject(request);
      t.equal(res.statusCode, 404, `${request.method} ${request.url} ${JSON.stringify(request.headers)}: ${res.body}`);
      t.match(res.json(), {
        result: 'error',
        error: { code: 'object_not_found', description: /does not exist/, context: { sandbox: /^(ghost|made-up)/ } },
      });
    }
    t.same(
      (await limited.inject({ method: 'GET', url: '/_mirror/sandboxes', headers: bearer(ADMIN_TOKEN) })).json().data,
      [],
      `${attempts.length} requests made none`,
    );

    // A look-up that finds nothing, joined by the admin's request naming the same sandbox: the admin's makes it.
    const [anonymous, byAdmin] = await Promise.all([
      limited.inject({ method: 'GET', url: '/1/languages', headers: { [SB]: 'first' } }),
      limited.inject({ method: 'GET', url: '/_mirror/clock', headers: { ...bearer(ADMIN_TOKEN), [SB]: 'first' } }),
    ]);
    t.equal(byAdmin.statusCode, 200, byAdmin.body);
    t.ok([200, 404].includes(anonymous.statusCode), anonymous.body);
    const second = await limited.inject({
      method: 'POST',
      url: '/_mirror/sandboxes',
      headers: bearer(ADMIN_TOKEN),
      payload: { name: 'second' },
    });
    t.equal(second.statusCode, 201, `the limit is the administrator's to fill: ${second.body}`);
    const inSecond = await limited.inject({
      method: 'POST',
      url: '/1/signup',
      headers: { [SB]: 'second' },
      payload: signup,
    });
    t.equal(inSecond.statusCode, 201, `a sandbox that exists answers anyone: ${inSecond.body}`);
  },
);

t.test('without the control plane there are no sandboxes', async (t) => {
  const plain = await buildTestApp(t, { database, config: { MIRROR_ADMIN_TOKEN: undefined } });
  const res = await plain.inject({ method: 'GET', url: '/2/profile', headers: { [SB]: 'shard-1' } });
  t.equal(res.statusCode, 400);
  t.match(res.json().error, { code: 'bad_request', description: /MIRROR_ADMIN_TOKEN/ });
});
