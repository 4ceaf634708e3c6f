import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test as Tap } from 'tap';
import { DataDirLocked, LOCK_FILE, lockDataDir, retryWhileLocked, type Holder } from '../../src/db/data-dir-lock.js';
import { openDatabase } from '../../src/db/database.js';
import { ADMIN_TOKEN, buildTestApp, call, type Method, migratedDataDir, pgliteDatabase } from '../helper.js';
import { scratchDir } from '../scratch.js';

// One process per embedded data directory: the lock every database on disk takes (the main
// one and each sandbox), how a stale one is told and taken over. The server's side of it (the
// wait, the exit code) is in test/boot/data-dir-lock.test.ts.

const freshDir = (t: Tap) => {
  const dir = scratchDir('ikm-lock-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const LOCKED = { name: 'DataDirLocked' };
const lockFile = (dir: string) => join(dir, LOCK_FILE);
const holderIn = (dir: string) => JSON.parse(readFileSync(lockFile(dir), 'utf8')) as Holder;
const lockedBy = (dir: string) => {
  try {
    lockDataDir(dir).release();
    return undefined;
  } catch (err) {
    if (err instanceof DataDirLocked) return err;
    throw err;
  }
};

/** A process that took the lock, killed with SIGKILL (it released nothing): answers its pid. */
async function killedHolder(dir: string): Promise<number> {
  const module = new URL('../../src/db/data-dir-lock.js', import.meta.url).href;
  const script =
    'const { lockDataDir } = await import(process.argv[1]); lockDataDir(process.argv[2]); console.log("locked"); setInterval(() => {}, 1 << 30);';
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, module, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`the holder exited (${code}) before locking`)));
  });
  const ended = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await ended;
  return child.pid!;
}

t.test(
  "a directory is one holder's: another lock is refused, naming the directory and the pid, until it is released",
  async (t) => {
    const dir = freshDir(t);
    const lock = lockDataDir(dir);
    t.match(holderIn(dir), { pid: process.pid, since: String }, 'the lock file names this process');
    const refused = lockedBy(dir);
    t.ok(refused, 'a second lock is refused');
    t.equal(refused?.holder.pid, process.pid);
    t.match(refused?.message, `The data directory ${dir} is in use by another process: pid ${process.pid} on `);
    lock.release();
    t.notOk(existsSync(lockFile(dir)), 'released, the file is gone');
    t.equal(lockedBy(dir), undefined, 'and the directory can be locked again');
  },
);

t.test('a lock whose process was killed is stale: taken over', async (t) => {
  const dir = freshDir(t);
  const dead = await killedHolder(dir);
  t.equal(holderIn(dir).pid, dead, 'the killed process left its lock behind');
  const lock = lockDataDir(dir);
  t.equal(holderIn(dir).pid, process.pid, 'this process holds it now');
  lock.release();
});

const onLinux = { skip: process.platform !== 'linux' && 'start times are read from /proc (Linux)' };

t.test(
  'a lock naming a live pid is stale when that pid is a later process (another start time), or this process, which does not hold it',
  onLinux,
  async (t) => {
    const dir = freshDir(t);
    const mine = lockDataDir(dir);
    const real = holderIn(dir);
    mine.release();
    const write = (h: Partial<Holder>) =>
      writeFileSync(lockFile(dir), JSON.stringify({ ...real, id: 'written-by-the-test', ...h }));

    write({
      pid: process.ppid,
      started: readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1].split(' ')[19],
    });
    t.equal(lockedBy(dir)?.holder.pid, process.ppid, 'the live parent process, started when the lock says: held');
    write({ pid: process.ppid, started: '1' });
    t.equal(lockedBy(dir), undefined, 'the same pid with another start time: a reused pid, stale');
    write({ pid: process.pid });
    t.equal(
      lockedBy(dir),
      undefined,
      "this process's pid, a lock it does not hold (a container restarted as the same pid): stale",
    );
    writeFileSync(lockFile(dir), '{"pid":');
    t.equal(lockedBy(dir), undefined, 'a file no holder wrote whole: stale');
  },
);

t.test(
  'a lock from another host or pid namespace is held while its holder refreshes it, stale a minute after',
  async (t) => {
    const dir = freshDir(t);
    const mine = lockDataDir(dir);
    const real = holderIn(dir);
    mine.release();
    writeFileSync(lockFile(dir), JSON.stringify({ ...real, host: 'another-container', pid: 1, id: 'elsewhere' }));
    t.equal(lockedBy(dir)?.holder.host, 'another-container', 'just refreshed: held');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(lockFile(dir), twoMinutesAgo, twoMinutesAgo);
    t.equal(lockedBy(dir), undefined, 'not refreshed for two minutes: stale');
  },
);

t.test('retryWhileLocked gives up at once without a wait, and opens once the holder lets go within it', async (t) => {
  const dir = freshDir(t);
  const holder = lockDataDir(dir);
  const first = holderIn(dir).id;
  await t.rejects(
    retryWhileLocked(() => lockDataDir(dir), { waitMs: 0 }),
    LOCKED,
  );
  let told = 0;
  const lock = await retryWhileLocked(() => lockDataDir(dir), {
    waitMs: 600_000,
    pollMs: 1,
    onWait: () => {
      told++;
      holder.release();
    },
  });
  t.equal(told, 1, 'told once that it waits');
  t.not(holderIn(dir).id, first, 'the new lock is in place');
  lock.release();
});

t.test(
  'the embedded database on disk: locked before PGlite opens the directory, free only once PGlite has closed',
  async (t) => {
    const dir = await migratedDataDir(t);
    const handle = openDatabase({ dataDir: dir });
    await handle.ping();
    t.throws(() => openDatabase({ dataDir: dir }), LOCKED, 'a second database on the directory is refused');
    const closing = handle.close();
    t.ok(existsSync(lockFile(dir)), 'still held while PGlite closes');
    await closing;
    t.notOk(existsSync(lockFile(dir)), 'released once it has closed');

    const empty = freshDir(t);
    const other = lockDataDir(empty);
    t.throws(() => openDatabase({ dataDir: empty, templateDir: dir }), LOCKED);
    t.same(readdirSync(empty), [LOCK_FILE], 'refused before anything was copied there');
    other.release();
  },
);

t.test('sandboxes on disk: each directory is locked by the process that opened it', async (t) => {
  const database = await pgliteDatabase(t);
  const app = await buildTestApp(t, { database });
  const sandboxes = `${database.options.dataDir}-sandboxes`;
  const admin = (method: Method, url: string, payload?: object) => call(app, ADMIN_TOKEN, method, url, payload);

  t.equal((await admin('POST', '/_mirror/sandboxes', { name: 'one' })).statusCode, 201);
  t.equal(holderIn(join(sandboxes, 'one')).pid, process.pid, "the sandbox's directory is locked");
  t.throws(() => openDatabase({ dataDir: join(sandboxes, 'one') }), LOCKED, 'nothing else opens it');
  t.equal((await admin('DELETE', '/_mirror/sandboxes/one')).statusCode, 200);
  t.notOk(existsSync(join(sandboxes, 'one')), 'deleted, lock and all');

  const elsewhere = lockDataDir(join(sandboxes, 'busy'));
  const refused = await admin('POST', '/_mirror/sandboxes', { name: 'busy' });
  t.equal(refused.statusCode, 409, refused.body);
  t.match(refused.json().error, {
    code: 'conflict_error',
    description: /in use by another process \(pid \d+/,
    context: { sandbox: 'busy', pid: process.pid },
  });
  elsewhere.release();
  t.equal((await admin('POST', '/_mirror/sandboxes', { name: 'busy' })).statusCode, 201, 'once let go, it opens');
});
