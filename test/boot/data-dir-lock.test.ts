import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test as Tap } from 'tap';
import { startChild, type Child } from './child.js';
import { migratedDataDir } from '../helper.js';

// Two server processes on one embedded database directory: the second refuses (exit code 75)
// or, given time, waits for the first to exit; a lock left by a killed process is taken over;
// a sandbox's directory is the process's that opened it. In child processes, on port 0.

// Five server processes and two migrations, one of the servers making a sandbox (a migrated cluster made in memory first).
t.setTimeout(300_000);

const ADMIN = 'lock-test-admin-token-0123';
const IN_USE = 75;

const start = (t: Tap, dir: string, env: Record<string, string> = {}) =>
  startChild(t, 'server', {
    env: {
      DATA_DIR: dir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      MIRROR_ADMIN_TOKEN: ADMIN,
      DATA_DIR_LOCK_WAIT_SECONDS: '0',
      ...env,
    },
  });

/** How a start that should not get the directory ended: its exit code, or 'listening' when it started anyway. */
const refusal = (child: Child) =>
  Promise.race([
    child.exited,
    child.url().then(
      () => 'listening',
      () => child.exited,
    ),
  ]);
/** Resolves once the child prints `re`; rejects if it starts listening first. */
const printedBeforeListening = (child: Child, re: RegExp) =>
  Promise.race([
    child.printed(re),
    child.url().then((url) => Promise.reject(new Error(`listening at ${url} instead:\n${child.output()}`))),
  ]);

const token = async (child: Child) => (await child.printed(/^token: (\S+)$/m))[1];
const profileStatus = async (url: string, bearer: string) =>
  (await fetch(`${url}/2/profile`, { headers: { authorization: `Bearer ${bearer}` } })).status;
const lockPid = (dir: string) => (JSON.parse(readFileSync(join(dir, 'ik-mirror.lock'), 'utf8')) as { pid: number }).pid;

t.test(
  'a second server on the same DATA_DIR refuses with its exit code, naming the directory and the holder; the first keeps serving',
  async (t) => {
    const dir = await migratedDataDir(t);
    const first = start(t, dir);
    const url = await first.url();
    const second = start(t, dir);
    t.equal(await refusal(second), IN_USE, 'exit code 75');
    t.match(second.output(), `The data directory ${dir} is in use by another process: pid ${first.process.pid} on `);
    t.match(second.output(), /waited 0 s: DATA_DIR_LOCK_WAIT_SECONDS/);
    t.notMatch(second.output(), /listening:/);
    t.equal(await profileStatus(url, await token(first)), 200, 'the first one is untouched');
  },
);

t.test(
  '`npm run migrate` on a DATA_DIR a server holds refuses the same way, and migrates once it is free',
  async (t) => {
    const dir = await migratedDataDir(t);
    const server = start(t, dir);
    await server.url();
    const env = { DATA_DIR: dir, DATA_DIR_LOCK_WAIT_SECONDS: '0' };
    const refused = startChild(t, 'migrate', { env });
    t.equal(await refused.exited, IN_USE, 'exit code 75');
    t.match(refused.output(), `The data directory ${dir} is in use by another process: pid ${server.process.pid} on `);
    t.notMatch(refused.output(), /Error|at .*\.js/, 'a message, not a stack trace');
    server.process.kill('SIGTERM');
    t.equal(await server.exited, 0);
    const free = startChild(t, 'migrate', { env });
    t.equal(await free.exited, 0, free.output());
    t.match(free.output(), /already up to date/);
  },
);

t.test('a restart that overlaps the old process waits for it, then starts on the same data', async (t) => {
  const dir = await migratedDataDir(t);
  const old = start(t, dir);
  const url = await old.url();
  const bearer = await token(old);
  const next = start(t, dir, { DATA_DIR_LOCK_WAIT_SECONDS: '600' });
  await printedBeforeListening(next, new RegExp(`pid ${old.process.pid} on .*; waiting up to 600 s for it to exit`));
  t.equal(await profileStatus(url, bearer), 200, 'the old one serves while the new one waits');
  old.process.kill('SIGTERM');
  t.equal(await old.exited, 0, 'the old one closes gracefully');
  t.equal(await profileStatus(await next.url(), bearer), 200, 'the new one starts on its data');
  t.equal(lockPid(dir), next.process.pid, 'and holds the directory');
  next.process.kill('SIGTERM');
  await next.exited;
});

t.test(
  "a lock left by a killed process is stale: the next start takes it over; a sandbox's directory is locked too",
  async (t) => {
    const dir = await migratedDataDir(t);
    const killed = start(t, dir);
    const bearer = await token(killed);
    await killed.url();
    killed.process.kill('SIGKILL');
    await killed.exited;
    t.equal(lockPid(dir), killed.process.pid, 'the killed process left its lock');

    const next = start(t, dir);
    const url = await next.url();
    t.equal(await profileStatus(url, bearer), 200, 'the next start took it over, on the same data');
    t.equal(lockPid(dir), next.process.pid);

    const made = await fetch(`${url}/_mirror/sandboxes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shard-1' }),
    });
    t.equal(made.status, 201, await made.text());
    const sandboxDir = `${dir}-sandboxes/shard-1`;
    const intruder = start(t, sandboxDir);
    t.equal(await refusal(intruder), IN_USE, "a server on the sandbox's directory refuses");
    t.match(
      intruder.output(),
      `The data directory ${sandboxDir} is in use by another process: pid ${next.process.pid} on `,
    );
    next.process.kill('SIGTERM');
    t.equal(await next.exited, 0);
  },
);
