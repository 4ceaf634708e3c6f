import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Target } from './database.js';
import { median } from './load.js';
import { fixed, type Report } from './report.js';
import { TARGETS } from './settings.js';

// "Ready within 2 s of `npm start` on a migrated Postgres database": from spawning the command
// to the first 200 from /readyz, on the bench's database (migrated, with data). `npm start` is
// the target; the same server started by `node` directly is shown beside it, which tells
// npm's own share.

/** Milliseconds from spawning `command` until /readyz answers 200; the process (group) is stopped after. */
async function timeToReady(command: string[], where: Target): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    RENEWAL_INTERVAL_SECONDS: '0',
  };
  delete env.DATABASE_URL;
  if (where.url) env.DATABASE_URL = where.url;
  else env.DATA_DIR = where.dataDir;
  const started = performance.now();
  // A group of its own: npm runs the server as its child, and both must go at the end.
  const child = spawn(command[0], command.slice(1), { env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /^listening: (\S+)$/.exec(line);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited (code ${code}) before listening`)));
    });
    for (;;) {
      const res = await fetch(`${url}/readyz`).catch(() => undefined);
      if (res?.status === 200) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The group's leader is the spawned command; its pid is set once spawned.
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
}

export async function measureStart(report: Report, where: Target, rounds: number): Promise<void> {
  report.heading(`start → /readyz 200 on a migrated database, ${rounds} round(s) each`);
  const commands = {
    'npm start': ['npm', 'start', '--silent'],
    'node dist/src/server.js': [process.execPath, 'dist/src/server.js'],
  };
  const rows: string[][] = [];
  for (const [name, command] of Object.entries(commands)) {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) times.push(await timeToReady(command, where));
    const max = Math.max(...times);
    rows.push([name, fixed(median(times)), fixed(max)]);
    if (name !== 'npm start') continue;
    // The target is about Postgres; on the embedded database the figure is shown without one.
    const onPostgres = where.kind === 'postgres';
    report.check({
      section: 'start',
      name: 'npm start → ready, slowest round',
      value: `${fixed(max)} ms`,
      target: onPostgres ? `≤ ${TARGETS.startMs} ms` : `none on ${where.kind} (≤ ${TARGETS.startMs} ms on Postgres)`,
      pass: onPostgres ? max <= TARGETS.startMs : null,
    });
  }
  report.table({
    title: `Start → ready (${rounds} round(s) each, ${where.kind})`,
    columns: ['command', 'median ms', 'max ms'],
    rows,
  });
}
