import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { childPort } from './helper.js';

// `npx ik-mirror`: its flags become the server's settings. Runs src/cli.ts in a child
// process on the embedded database, as the README's testing guide starts it.

function cli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

t.test('--help lists the flags; an unknown flag is refused with the help', async (t) => {
  const help = cli(['--help']);
  t.equal(await help.exited, 0);
  for (const flag of ['--port', '--host', '--database', '--data-dir', '--admin-token', '--seed', '--log-level']) t.match(help.output(), flag);
  const bad = cli(['--colour', 'blue']);
  t.equal(await bad.exited, 64);
  t.match(bad.output(), /--colour/);
  t.match(bad.output(), /--admin-token/, 'the help follows');
});

t.test('--port, --data-dir, --admin-token and --seed start a seeded server with the control plane on', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ikm-cli-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = childPort();
  const admin = 'cli-admin-token-0123456789';
  const run = cli(['--port', String(port), '--data-dir', join(dataDir, 'data'), '--admin-token', admin, '--seed', 'demo', '--log-level', 'warn']);
  t.teardown(() => run.child.kill('SIGKILL'));
  const end = Date.now() + 90_000;
  while (!/^alice@acme\.example .*token: \S+$/m.test(run.output())) {
    if (Date.now() > end || run.child.exitCode !== null) throw new Error(`no seed printed:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const token = /^alice@acme\.example .*token: (\S+)$/m.exec(run.output())![1]!;
  const profile = await fetch(`http://127.0.0.1:${port}/2/profile`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(profile.status, 200, 'on the port given, with the fixture\'s token');
  t.equal(((await profile.json()) as { data: { email: string } }).data.email, 'alice@acme.example');
  const clock = await fetch(`http://127.0.0.1:${port}/_mirror/clock`, { headers: { authorization: `Bearer ${admin}` } });
  t.equal(clock.status, 200, 'the control plane answers the admin token');
  run.child.kill('SIGTERM');
  t.equal(await run.exited, 0, 'closes gracefully');
});
