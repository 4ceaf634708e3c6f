import { currentScope, runInScope, type Scope } from '../../shared/scope.js';

// The activity lines of the answers being sent, written together: a line is written at once
// when no write of its database (the main one, each sandbox's) is under way, else with the
// others that came meanwhile, in one statement as soon as that write lands. Each request
// still waits for its own line before its answer leaves. Under load a change then costs one
// statement and one commit, not two: a payment's line was its second commit.
//
// A line alone takes the one-line statement. A write of several that fails is made again line
// by line, so a bad line (its organisation deleted meanwhile) loses only itself.

export interface LineWriter<Line> {
  /** Resolves once the line is written; rejects when it alone could not be. */
  write(line: Line): Promise<void>;
}

interface Waiting<Line> {
  line: Line;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function lineWriter<Line>(
  writeAll: (lines: readonly Line[]) => Promise<unknown>,
  writeOne: (line: Line) => Promise<unknown>,
): LineWriter<Line> {
  // The lines waiting for each database whose write is under way.
  const queues = new Map<Scope | undefined, Waiting<Line>[]>();

  async function writeBatch(batch: Waiting<Line>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        await writeAll(batch.map((w) => w.line));
        for (const w of batch) w.resolve();
        return;
      } catch {
        // Written again below, line by line: each line answers for itself.
      }
    }
    for (const w of batch) await writeOne(w.line).then(w.resolve, w.reject);
  }

  async function drain(scope: Scope | undefined, first: Waiting<Line>[]): Promise<void> {
    let batch = first;
    while (batch.length) {
      await runInScope(scope, () => writeBatch(batch));
      batch = queues.get(scope)?.splice(0) ?? [];
    }
    queues.delete(scope);
  }

  return {
    write(line) {
      return new Promise<void>((resolve, reject) => {
        const scope = currentScope();
        const waiting = { line, resolve, reject };
        const queue = queues.get(scope);
        if (queue) return void queue.push(waiting);
        queues.set(scope, []);
        void drain(scope, [waiting]);
      });
    },
  };
}
