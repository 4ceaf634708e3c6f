import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onCleanup, track } from './cleanup.js';
import type { Target } from './database.js';
import { settings } from './settings.js';
import { isRecord } from '../src/shared/is-record.js';

// The parent's side of bench/servers.ts: a server child started on the bench's database, and
// the line protocol it answers on stdin/stdout ("cpu" → its CPU time, "rss" → its resident
// memory), so the load generator never shares the server's event loop.

export type Mode = 'ikm' | 'bare';

export interface Server {
  mode: Mode;
  port: number;
  /** The bare server's statement (the auth lookup ik-mirror runs). */
  sql?: string;
  /** The child's CPU time so far (user + system), in microseconds. */
  cpuMicros(): Promise<number>;
  /** The child's resident set size now, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

type Message = Record<string, unknown>;

/** The Node flags `npm start` gives the server (package.json), so that the children run as it does. */
function startFlags(): string[] {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const start: unknown = isRecord(manifest) && isRecord(manifest.scripts) ? manifest.scripts.start : undefined;
  if (typeof start !== 'string') throw new Error('package.json has no start script');
  return start.split(/\s+/).filter((word) => word.startsWith('--'));
}

export async function startServer(mode: Mode, target: Target, extraEnv: Record<string, string> = {}): Promise<Server> {
  const script = fileURLToPath(new URL('./servers.js', import.meta.url));
  const profile = settings.cpuProf
    ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProf}`, `--cpu-prof-name=${mode}-${Date.now()}.cpuprofile`]
    : [];
  // Both children, the baseline too: the comparison is of the servers, not of the flags.
  const nodeArgs = [...startFlags(), ...profile];
  const child = spawn(process.execPath, [...nodeArgs, script, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      BENCH_DATABASE_URL: target.url ?? '',
      BENCH_DATA_DIR: target.dataDir ?? '',
      BENCH_ADMIN_TOKEN: '',
      ...extraEnv,
    },
  });
  track(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(stop);
  // One JSON line per message: first {port}, then one answer per line asked, in order. The
  // child's exit fails whatever is still waiting for an answer.
  const waiting: { resolve: (msg: Message) => void; reject: (err: Error) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.resolve(JSON.parse(line) as Message));
  let gone: Error | undefined;
  child.once('exit', (code) => {
    gone = new Error(`${mode} server exited (code ${code})`);
    for (let w = waiting.shift(); w; w = waiting.shift()) w.reject(gone);
  });
  const nextMessage = () =>
    new Promise<Message>((resolve, reject) => (gone ? reject(gone) : waiting.push({ resolve, reject })));
  const ask = async (what: string) => {
    const reply = nextMessage();
    child.stdin.write(`${what}\n`);
    return reply;
  };
  const hello = (await nextMessage()) as { port: number; sql?: string };
  const cpuMicros = async () => {
    const { cpu } = (await ask('cpu')) as { cpu: { user: number; system: number } };
    return cpu.user + cpu.system;
  };
  const rss = async () => ((await ask('rss')) as { rss: number }).rss;
  return { mode, port: hello.port, sql: hello.sql, cpuMicros, rss, stop };
}

/** Samples a server's RSS every `everyMs` while load runs; `stop` gives the highest seen. */
export function sampleRss(server: Server, everyMs = 250): { stop(): Promise<number> } {
  let max = 0;
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    busy = server
      .rss()
      .then((rss) => void (max = Math.max(max, rss)))
      .catch(() => undefined);
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      max = Math.max(max, await server.rss());
      return max;
    },
  };
}

/** Runs `work` with a server started and stopped around it. */
export async function withServer<T>(
  mode: Mode,
  target: Target,
  work: (server: Server) => Promise<T>,
  extraEnv?: Record<string, string>,
): Promise<T> {
  const server = await startServer(mode, target, extraEnv);
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

export const MB = 1024 * 1024;
