/** One kept answer: its body, as sent (bytes: each hit skips encoding it), and its content type. */
export interface KeptAnswer {
  payload: Buffer;
  type: string;
}

// An answer larger than this is made afresh each time: one would take a large share of the store.
const LARGEST_ANSWER = 256 * 1024;

interface Making {
  promise: Promise<KeptAnswer | undefined>;
  settle: (answer: KeptAnswer | undefined) => void;
}

/**
 * Kept answers by key, at most `maxBytes` of them (bodies' bytes and keys' characters),
 * the oldest dropped first. Keys hold the clock's second and the data's snapshot, so an answer
 * is asked for only while both last: the oldest is always the first one no longer asked for,
 * and a hit need not move its answer to the back.
 */
export class AnswerStore {
  private answers = new Map<string, KeptAnswer>();
  private bytes = 0;
  // The answers a request is making: others asking for one meanwhile wait for it rather than
  // make it too (when the data or the second turns, every connection would miss at once).
  private making = new Map<string, Making>();

  constructor(private readonly maxBytes: number) {}

  get(key: string): KeptAnswer | undefined {
    return this.answers.get(key);
  }

  /** The answer another request is making under the key, to wait for; undefined when none is. */
  inMaking(key: string): Promise<KeptAnswer | undefined> | undefined {
    return this.making.get(key)?.promise;
  }

  /** The caller makes the key's answer: until it finishes, others asking for it wait. */
  begin(key: string): void {
    if (this.making.has(key)) return;
    let settle: Making['settle'] = () => undefined;
    const promise = new Promise<KeptAnswer | undefined>((resolve) => (settle = resolve));
    this.making.set(key, { promise, settle });
  }

  /**
   * The answer made under the key (undefined: none that may be kept), given to those waiting
   * and kept; true when it was kept.
   */
  finish(key: string, answer: KeptAnswer | undefined): boolean {
    const making = this.making.get(key);
    this.making.delete(key);
    making?.settle(answer);
    return answer !== undefined && this.set(key, answer);
  }

  /** Keeps the answer; false when it is too large or one is kept under the key already. */
  private set(key: string, answer: KeptAnswer): boolean {
    const size = sizeOf(key, answer);
    if (size > Math.min(LARGEST_ANSWER, this.maxBytes) || this.answers.has(key)) return false;
    this.answers.set(key, answer);
    this.bytes += size;
    for (const [oldKey, old] of this.answers) {
      if (this.bytes <= this.maxBytes) break;
      this.answers.delete(oldKey);
      this.bytes -= sizeOf(oldKey, old);
    }
    return true;
  }
}

const sizeOf = (key: string, answer: KeptAnswer) => key.length + answer.payload.byteLength + answer.type.length;
