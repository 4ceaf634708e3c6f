import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startChild } from './child.js';

// `npx ik-mirror`: its flags become the server's settings. Runs the CLI in a child process on
// the embedded database, as the README's testing guide starts it (on port 0 here).

t.test('--help lists the flags; an unknown flag is refused with the help', async (t) => {
  const help = startChild(t, 'cli', { args: ['--help'] });
  const bad = startChild(t, 'cli', { args: ['--colour', 'blue'] });
  t.equal(await help.exited, 0);
  for (const flag of ['--port', '--host', '--database', '--data-dir', '--admin-token', '--seed', '--log-level']) t.match(help.output(), flag);
  t.match(help.output(), /--port N +port \(PORT, default 3000; 0: any free port, printed\)/);
  t.equal(await bad.exited, 64);
  t.match(bad.output(), /--colour/);
  t.match(bad.output(), /--admin-token/, 'the help follows');
});

t.test('--port, --data-dir, --admin-token and --seed start a seeded server with the control plane on', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ikm-cli-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const admin = 'cli-admin-token-0123456789';
  const run = startChild(t, 'cli', { args: ['--port', '0', '--data-dir', join(dataDir, 'data'), '--admin-token', admin, '--seed', 'demo', '--log-level', 'warn'] });
  const url = await run.url();
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, '--port 0: the address it got is printed');
  const token = (await run.printed(/^alice@acme\.example .*token: (\S+)$/m))[1]!;
  const profile = await fetch(`${url}/2/profile`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(profile.status, 200, 'on the port printed, with the fixture\'s token');
  t.equal(((await profile.json()) as { data: { email: string } }).data.email, 'alice@acme.example');
  const clock = await fetch(`${url}/_mirror/clock`, { headers: { authorization: `Bearer ${admin}` } });
  t.equal(clock.status, 200, 'the control plane answers the admin token');
  const now = ((await clock.json()) as { data: { now: number } }).data.now;
  t.ok(now >= 1_796_083_200 && now < 1_796_083_200 + 600, 'the clock is at the fixture\'s time');
  t.notOk(/^(email|password): /m.test(run.output()), 'a seeded start creates no first-start administrator');
  run.process.kill('SIGTERM');
  t.equal(await run.exited, 0, 'closes gracefully');
});
