import type { ChildProcess } from 'node:child_process';

// What the bench made goes away whatever happens: the server children, the throwaway
// database, the temporary files, on a normal end, an error or Ctrl-C alike. Steps run last
// registered first.

const steps: (() => Promise<void> | void)[] = [];
const children = new Set<ChildProcess>();

export function onCleanup(step: () => Promise<void> | void): void {
  steps.push(step);
}

/** A child killed outright if this process exits before stopping it. */
export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export async function cleanup(): Promise<void> {
  for (let step = steps.pop(); step; step = steps.pop()) {
    try {
      await step();
    } catch (err) {
      console.error('cleanup step failed:', err);
    }
  }
}

process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Runs an entry's main: exit code 0 whatever the figures, 1 only when the bench itself failed. */
export function runMain(main: () => Promise<void>): void {
  main()
    .catch((err) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exitCode = 1;
    })
    .finally(cleanup);
}
