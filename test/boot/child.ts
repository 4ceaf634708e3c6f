import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The server as a user starts it, in a child process on port 0: it prints the address it got
// (`listening: http://…`), which is how the test finds it. It runs from the same build as the
// test itself (`npm test` transpiles src/ beside test/), so an edited source is never tested
// through a stale build.

interface Tap {
  teardown(fn: () => unknown): void;
}

type Entry = 'server' | 'cli' | 'migrate';
const ENTRY_SCRIPTS: Record<Entry, string> = {
  server: '../../src/server.js',
  cli: '../../src/cli.js',
  migrate: '../../scripts/migrate.js',
};
const entryScript = (entry: Entry) => fileURLToPath(new URL(ENTRY_SCRIPTS[entry], import.meta.url));

export interface Child {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** The first match of `re` in what the process printed; rejected if it ends before printing it. */
  printed(re: RegExp): Promise<RegExpExecArray>;
  /** The base URL of the `listening:` line, once the server listens. */
  url(): Promise<string>;
}

/** Starts the server, the CLI or `npm run migrate`'s script; the test's teardown kills it if it is still running. */
export function startChild(
  t: Tap,
  entry: Entry,
  { args = [], env = {} }: { args?: string[]; env?: Record<string, string> } = {},
): Child {
  const child = spawn(process.execPath, [entryScript(entry), ...args], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // 'close': the process has ended and everything it printed has been read.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waiting = new Set<() => void>();
  const changed = () => {
    for (const check of [...waiting]) check();
  };
  child.stdout.on('data', (d) => {
    out += d;
    changed();
  });
  child.stderr.on('data', (d) => {
    out += d;
    changed();
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
    changed();
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const printed = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) {
          waiting.delete(check);
          resolve(m);
        } else if (ended) {
          waiting.delete(check);
          reject(new Error(`exited without printing ${re}:\n${out}`));
        }
      };
      waiting.add(check);
      check();
    });
  return {
    process: child,
    output: () => out,
    exited,
    printed,
    url: async () => (await printed(/^listening: (http:\/\/\S+)$/m))[1],
  };
}
