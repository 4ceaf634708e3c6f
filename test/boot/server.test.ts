import { rmSync } from 'node:fs';
import t from 'tap';
import { startChild } from './child.js';
import { scratchDir, scratchPath } from '../scratch.js';

// The process as a user starts it: configuration checks, the first-start administrator,
// graceful shutdown. Runs the server in a child process on the embedded database, on port 0.

const field = (out: string, name: string) => new RegExp(`^${name}: (\\S+)$`, 'm').exec(out)?.[1];

t.test('a bad variable stops the boot with its name', async (t) => {
  const bad = [
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['DATABASE_URL', 'mysql://x'],
    ['RATE_LIMIT_MAX', '0'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', '2'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['KEEP_ALIVE_TIMEOUT_MS', '0'],
    ['HEADERS_TIMEOUT_MS', '30001'],
    ['RATE_LIMIT_PREFIX', 'a b'],
  ];
  const runs = bad.map(([name, value]) => ({
    name: name,
    value: value,
    run: startChild(t, 'server', { env: { [name]: value, DATA_DIR: scratchPath('ikm-never-created') } }),
  }));
  for (const { name, value, run } of runs) {
    t.equal(await run.exited, 78, `${name}=${value} is refused`);
    t.match(run.output(), new RegExp(`invalid configuration: .*${name}`), `the message names ${name}`);
  }
});

t.test(
  "first start creates and prints the administrator once; later starts (npx ik-mirror's flags) print nothing; --seed replaces the data",
  async (t) => {
    const dataDir = scratchDir('ikm-server-');
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

    const first = startChild(t, 'server', { env: { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' } });
    const url = await first.url();
    t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, 'PORT 0: the address it got is printed');
    t.not(new URL(url).port, '0');
    await first.printed(/^Try: .*$/m);
    const out = first.output();
    t.match(
      out,
      new RegExp(`^Creating the embedded database in ${dataDir} \\(first start only`, 'm'),
      'the first start says what takes it time',
    );
    t.ok(out.indexOf('Creating the embedded database') < out.indexOf('listening:'), 'before it is done');
    t.match(field(out, 'email'), /@/);
    t.ok((field(out, 'password') ?? '').length >= 16, 'a generated password is printed');
    const token = field(out, 'token')!;
    t.match(token, /^ikm_[A-Za-z0-9_-]{40,}$/);
    t.match(out, `Try: curl -H "Authorization: Bearer ${token}" ${url}/2/profile`, 'the hint names the port it got');

    const profile = await fetch(`${url}/2/profile`, { headers: { authorization: `Bearer ${token}` } });
    t.equal(profile.status, 200);
    const me = (await profile.json()) as {
      data: { email: string; avatar: string; preferences: { account: { current_account_id: number } } };
    };
    t.equal(me.data.email, field(out, 'email'));
    t.type(me.data.preferences.account.current_account_id, 'number', 'the administrator has an organisation');
    t.ok(me.data.avatar.startsWith(`${url}/`), `links in answers use the port it got: ${me.data.avatar}`);
    const spec = (await (await fetch(`${url}/openapi.json`)).json()) as { servers: { url: string }[] };
    t.same(spec.servers, [{ url }], 'so does the OpenAPI document');

    const tokens = await fetch(`${url}/1/profile/tokens`, { headers: { authorization: `Bearer ${token}` } });
    const scopes = ((await tokens.json()) as { data: { scopes: string[] }[] }).data[0].scopes;
    t.same([...scopes].sort(), ['accounts', 'billing', 'user_info'], 'the first token has every scope');

    const products = await fetch(`${url}/1/products`, { headers: { authorization: `Bearer ${token}` } });
    const demo = ((await products.json()) as { data: { service_name: string }[] }).data.map((x) => x.service_name);
    t.same(
      demo,
      ['domain', 'web_hosting', 'ksuite', 'email_hosting'],
      "the administrator's organisation has demo products",
    );

    first.process.kill('SIGTERM');
    t.equal(await first.exited, 0, 'SIGTERM closes gracefully');

    // Later starts go through `npx ik-mirror`, whose flags become the settings: the same data
    // directory, one cluster made once for the whole file.
    const admin = 'cli-admin-token-0123456789';
    const second = startChild(t, 'cli', {
      args: ['--port', '0', '--data-dir', dataDir, '--admin-token', admin, '--log-level', 'warn'],
    });
    const secondUrl = await second.url();
    t.match(secondUrl, /^http:\/\/127\.0\.0\.1:\d+$/, '--port 0: the address it got is printed');
    const again = await fetch(`${secondUrl}/2/profile`, { headers: { authorization: `Bearer ${token}` } });
    t.equal(again.status, 200, 'state survived the restart (--data-dir)');
    const clock = await fetch(`${secondUrl}/_mirror/clock`, { headers: { authorization: `Bearer ${admin}` } });
    t.equal(clock.status, 200, 'the control plane answers --admin-token');
    second.process.kill('SIGINT');
    t.equal(await second.exited, 0, 'SIGINT closes gracefully');
    t.notMatch(second.output(), /^(email|password|token): /m, 'nothing is printed the second time');
    t.notMatch(second.output(), /Creating the embedded database/, 'nor is the database created again');

    const seeded = startChild(t, 'cli', {
      args: ['--port', '0', '--data-dir', dataDir, '--admin-token', admin, '--seed', 'demo', '--log-level', 'warn'],
    });
    const seededUrl = await seeded.url();
    const alice = (await seeded.printed(/^alice@acme\.example .*token: (\S+)$/m))[1];
    const profileOfAlice = await fetch(`${seededUrl}/2/profile`, { headers: { authorization: `Bearer ${alice}` } });
    t.equal(profileOfAlice.status, 200, "--seed demo: the fixture's token works");
    t.equal(((await profileOfAlice.json()) as { data: { email: string } }).data.email, 'alice@acme.example');
    t.equal(
      (await fetch(`${seededUrl}/2/profile`, { headers: { authorization: `Bearer ${token}` } })).status,
      401,
      'the fixture replaced the data',
    );
    const seededClock = await fetch(`${seededUrl}/_mirror/clock`, { headers: { authorization: `Bearer ${admin}` } });
    const now = ((await seededClock.json()) as { data: { now: number } }).data.now;
    t.ok(now >= 1_796_083_200 && now < 1_796_083_200 + 600, "the clock is at the fixture's time");
    t.notMatch(seeded.output(), /^(email|password): /m, 'a seeded start creates no first-start administrator');
    seeded.process.kill('SIGTERM');
    t.equal(await seeded.exited, 0, 'closes gracefully');
  },
);
