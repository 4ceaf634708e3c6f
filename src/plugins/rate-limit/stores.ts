import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import { currentSandbox } from '../../shared/scope.js';

export interface Hit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window resets. */
  resetInMs: number;
}

/** A fixed-window counter. `hit` must count atomically: two hits never see the same count. */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<Hit>;
  /** What `key` has counted in its current window, without counting (0 when none). */
  peek(key: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * In-process counter. Counting happens synchronously inside `hit`, so concurrent requests
 * are serialised by the event loop and each gets its own count.
 */
export class MemoryStore implements RateLimitStore {
  private windows = new Map<string, { count: number; resetAt: number }>();
  private sweeper: NodeJS.Timeout;
  private now: () => number;

  /** `now`: the clock the windows are measured on, in milliseconds (tests move their own). */
  constructor({ sweepEveryMs = 60_000, now = Date.now }: { sweepEveryMs?: number; now?: () => number } = {}) {
    this.now = now;
    // Without a sweep, one entry per token/IP ever seen would stay in memory forever.
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { count: w.count, resetInMs: w.resetAt - now };
  }

  async peek(key: string): Promise<number> {
    const w = this.windows.get(key);
    return w && w.resetAt > this.now() ? w.count : 0;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}

// INCR and the first PEXPIRE run as one script, so instances sharing Redis count exactly.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

export class RedisStore implements RateLimitStore {
  private redis: Redis & { ikmHit?: (key: string, windowMs: number) => Promise<[number, number]> };

  /** `prefix`: what every key starts with (RATE_LIMIT_PREFIX), so that the keys are told apart from other data in that Redis. */
  constructor(
    url: string,
    private prefix: string,
  ) {
    // Loaded only when Redis is configured: most runs count in memory and need not load it.
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- require() is untyped: what it loads is the module the type import names
    const { Redis: Client } = createRequire(import.meta.url)('ioredis') as typeof IORedis;
    this.redis = new Client(url, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
    this.redis.on('error', () => {});
    this.redis.defineCommand('ikmHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    if (!this.redis.ikmHit) throw new Error('RedisStore: the ikmHit command is defined by the constructor');
    const [count, ttl] = await this.redis.ikmHit(this.prefix + key, windowMs);
    return { count, resetInMs: ttl };
  }

  async peek(key: string): Promise<number> {
    return Number((await this.redis.get(this.prefix + key)) ?? 0);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * Counts per database: every key starts with the deployment's database id, then the current
 * sandbox's name (none on the main data). Deployments sharing one Redis never count each
 * other's requests (their token ids, a seeded fixture's tokens and their clients' IPs may be
 * the same), nor do the CI shards of one deployment (a sandbox's ids start at 1 like the main
 * data's, and shards share one IP).
 */
export class ScopedStore implements RateLimitStore {
  constructor(
    private inner: RateLimitStore,
    private databaseId: string,
  ) {}

  private key(key: string): string {
    const sandbox = currentSandbox();
    return sandbox === null ? `${this.databaseId}:${key}` : `${this.databaseId}:s:${sandbox}:${key}`;
  }

  hit(key: string, windowMs: number): Promise<Hit> {
    return this.inner.hit(this.key(key), windowMs);
  }

  peek(key: string): Promise<number> {
    return this.inner.peek(this.key(key));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
