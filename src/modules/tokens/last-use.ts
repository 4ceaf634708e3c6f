import { currentScope, runInScope, type Scope } from '../../shared/scope.js';

// The uses of tokens to write, in one statement per database (the main one, each sandbox's).
// A use is written at once, unless a write started less than SPACING_MS ago: then it waits
// for the rest of that time with the others that come meanwhile. Each ended transaction that
// writes makes the data new, and answers kept for repeated reads (plugins/answer-cache.ts)
// last only while it is not: a client starting with many tokens at once would otherwise make
// a write, and end every kept answer, per token.
const SPACING_MS = 250;

export interface LastUseWriter {
  /** Records that the token was used at `at` (seconds): written at once, or within SPACING_MS. */
  note(tokenId: number, at: number): void;
  /** Writes what is gathered now and resolves once every write started has landed (or failed). */
  settled(): Promise<void>;
}

export function lastUseWriter(
  write: (uses: readonly (readonly [number, number])[]) => Promise<void>,
  onError: (err: unknown) => void,
): LastUseWriter {
  const gathered = new Map<Scope | undefined, Map<number, number>>();
  const writing = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = -Infinity;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    lastWrite = performance.now();
    for (const [scope, uses] of gathered) {
      const done: Promise<void> = runInScope(scope, () => write([...uses]))
        .catch(onError)
        .finally(() => writing.delete(done));
      writing.add(done);
    }
    gathered.clear();
  };

  return {
    note(tokenId, at) {
      const scope = currentScope();
      let uses = gathered.get(scope);
      if (!uses) gathered.set(scope, (uses = new Map<number, number>()));
      uses.set(tokenId, at);
      // Unref'd: a gathering never keeps the process alive; closing the app writes it (settled).
      // At 0 the write still waits for the timers' turn, so the uses of one moment go together.
      timer ??= setTimeout(flush, Math.max(0, lastWrite + SPACING_MS - performance.now())).unref();
    },
    async settled() {
      if (gathered.size) flush();
      await Promise.all(writing);
    },
  };
}
