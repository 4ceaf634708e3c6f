import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { childPort } from './helper.js';

// The process as a user starts it: configuration checks, the first-start administrator,
// graceful shutdown. Runs src/server.ts in a child process on the embedded database.

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until(check: () => boolean, what: string, ms = 60_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ready(port: number, run: Run) {
  const end = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > end) throw new Error(`server did not start:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const field = (out: string, name: string) => new RegExp(`^${name}: (\\S+)$`, 'm').exec(out)?.[1];

t.test('a bad variable stops the boot with its name', async (t) => {
  for (const [name, value] of [['PORT', 'abc'], ['DATABASE_URL', 'mysql://x'], ['RATE_LIMIT_MAX', '0'], ['LOG_LEVEL', 'loud']]) {
    const run = start({ [name]: value, DATA_DIR: join(tmpdir(), 'ikm-never-created') });
    const code = await run.exited;
    t.not(code, 0, `${name}=${value} is refused`);
    t.match(run.output(), new RegExp(`invalid configuration: .*${name}`), `the message names ${name}`);
  }
});

t.test('first start creates and prints the administrator once; later starts print nothing', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ikm-server-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const p = childPort();

  const first = start({ DATA_DIR: dataDir, PORT: String(p) });
  await ready(p, first);
  await until(() => /^token: /m.test(first.output()), 'the token line');
  const out = first.output();
  t.match(field(out, 'email'), /@/);
  t.ok((field(out, 'password') ?? '').length >= 16, 'a generated password is printed');
  const token = field(out, 'token')!;
  t.match(token, /^ikm_[A-Za-z0-9_-]{40,}$/);

  const profile = await fetch(`http://127.0.0.1:${p}/2/profile`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(profile.status, 200);
  const me = (await profile.json()) as { data: { email: string; preferences: { account: { current_account_id: number } } } };
  t.equal(me.data.email, field(out, 'email'));
  t.type(me.data.preferences.account.current_account_id, 'number', 'the administrator has an organisation');

  const tokens = await fetch(`http://127.0.0.1:${p}/1/profile/tokens`, { headers: { authorization: `Bearer ${token}` } });
  const scopes = ((await tokens.json()) as { data: { scopes: string[] }[] }).data[0]!.scopes;
  t.same([...scopes].sort(), ['accounts', 'billing', 'user_info'], 'the first token has every scope');

  const products = await fetch(`http://127.0.0.1:${p}/1/products`, { headers: { authorization: `Bearer ${token}` } });
  const demo = ((await products.json()) as { data: { service_name: string }[] }).data.map((x) => x.service_name);
  t.same(demo, ['domain', 'web_hosting', 'ksuite', 'email_hosting'], 'the administrator\'s organisation has demo products');

  first.child.kill('SIGTERM');
  t.equal(await first.exited, 0, 'SIGTERM closes gracefully');

  const second = start({ DATA_DIR: dataDir, PORT: String(p) });
  await ready(p, second);
  const again = await fetch(`http://127.0.0.1:${p}/2/profile`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(again.status, 200, 'state survived the restart');
  second.child.kill('SIGINT');
  t.equal(await second.exited, 0, 'SIGINT closes gracefully');
  t.notMatch(second.output(), /^(email|password|token): /m, 'nothing is printed the second time');
});
