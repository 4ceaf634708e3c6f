import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The server as a user starts it, in a child process on port 0: it prints the address it got
// (`listening: http://…`), which is how the test finds it. The built server (dist/) is run
// when the build is newer than every source file (CI builds before testing), else the sources
// through tsx, so an edited source is never tested through a stale build.

interface Tap {
  teardown(fn: () => unknown): void;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtIsCurrent(): boolean {
  try {
    return statSync('dist/src/server.js').mtimeMs > Math.max(newestSource('src'), newestSource('migrations'));
  } catch {
    return false;
  }
}

const built = builtIsCurrent();

export interface Child {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** The first match of `re` in what the process printed; rejected if it ends before printing it. */
  printed(re: RegExp): Promise<RegExpExecArray>;
  /** The base URL of the `listening:` line, once the server listens. */
  url(): Promise<string>;
}

/** Starts `src/server.ts` or `src/cli.ts`; the test's teardown kills it if it is still running. */
export function startChild(t: Tap, entry: 'server' | 'cli', { args = [], env = {} }: { args?: string[]; env?: Record<string, string> } = {}): Child {
  const script = built ? [`dist/src/${entry}.js`] : ['--import', 'tsx', `src/${entry}.ts`];
  const child = spawn(process.execPath, [...script, ...args], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // 'close': the process has ended and everything it printed has been read.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waiting = new Set<() => void>();
  const changed = () => { for (const check of [...waiting]) check(); };
  child.stdout!.on('data', (d) => { out += d; changed(); });
  child.stderr!.on('data', (d) => { out += d; changed(); });
  let ended = false;
  void exited.then(() => { ended = true; changed(); });
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });

  const printed = (re: RegExp) => new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const m = re.exec(out);
      if (m) { waiting.delete(check); resolve(m); } else if (ended) { waiting.delete(check); reject(new Error(`exited without printing ${re}:\n${out}`)); }
    };
    waiting.add(check);
    check();
  });
  return {
    process: child, output: () => out, exited, printed,
    url: async () => (await printed(/^listening: (http:\/\/\S+)$/m))[1]!,
  };
}
