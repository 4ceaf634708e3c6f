import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// "Ready within 3 s of `npm start` on a migrated database": from spawning the command to the
// first 200 from /readyz, on the bench's database (migrated, with data). `npm start` is the
// target; the same server started by `node` directly is shown beside it, which tells npm's
// own share.

const TARGET_MS = 3000;

interface Where {
  url?: string;
  dataDir?: string;
}

/** Milliseconds from spawning `command` until /readyz answers 200; the process (group) is stopped after. */
async function timeToReady(command: string[], where: Where): Promise<number> {
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
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

export async function measureStart(where: Where, rounds: number): Promise<void> {
  const engine = where.url ? 'postgres' : 'pglite';
  const commands = {
    'npm start': ['npm', 'start', '--silent'],
    'node dist/src/server.js': [process.execPath, 'dist/src/server.js'],
  };
  console.log('');
  console.log(`start → /readyz 200 on a migrated database — ${rounds} rounds each, ${engine}`);
  for (const [name, command] of Object.entries(commands)) {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) times.push(await timeToReady(command, where));
    times.sort((a, b) => a - b);
    const max = times.at(-1)!;
    const verdict = name === 'npm start' ? `  target ≤ ${TARGET_MS} ms  ${max <= TARGET_MS ? 'PASS' : 'FAIL'}` : '';
    console.log(
      `  ${name.padEnd(24)} median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, max ${max.toFixed(0)} ms${verdict}`,
    );
  }
}
