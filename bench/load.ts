import { createRequire } from 'node:module';

// Load generation: autocannon from the bench's own process against a server child, each
// request with the next token of a TokenFeeder (so the 60-a-minute limiter is never what is
// measured), and the figures reduced to what the report shows.

interface Histogram {
  average: number;
  p50: number;
  p99: number;
  total: number;
}
interface Result {
  requests: Histogram;
  latency: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface RawRequest {
  headers: Record<string, string>;
  [k: string]: unknown;
}
interface CannonOptions {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; path: string; setupRequest: (req: RawRequest) => RawRequest }[];
}
interface Instance {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: CannonOptions, cb: (err: Error | null, result: Result) => void) => Instance;
// autocannon ships no types; only the part used here is described above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// Token use. Each token gets at most USES_PER_TOKEN uses per server process (the limiter's
// counts live in that process), so none can trip the limit whatever the throughput. Tokens are
// used in stripes of STRIPE: consecutive requests carry different tokens, so a token's first
// use (which writes last_used_at) has completed long before its second.
const USES_PER_TOKEN = 55;
const STRIPE = 500;

export class TokenFeeder {
  private n = 0;
  private stripe: number;
  exhausted = false;
  constructor(private tokens: readonly string[]) {
    this.stripe = Math.min(STRIPE, tokens.length);
  }

  next(): string {
    const i = this.n++;
    const block = Math.floor(i / (this.stripe * USES_PER_TOKEN));
    const index = block * this.stripe + (i % this.stripe);
    if (index >= this.tokens.length) this.exhausted = true;
    return this.tokens[index % this.tokens.length];
  }
}

/** One request: a GET of `path`, or a POST of `body` (made afresh per request) to it. */
export interface Shot {
  path: string;
  body?: object;
}

export interface Load {
  port: number;
  feeder: TokenFeeder;
  connections: number;
  duration: number;
  /** The next request to send; a fixed path when every request is the same GET. */
  next: string | (() => Shot);
}

export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  /** Requests answered 2xx. */
  ok: number;
  non2xx: number;
  errors: number;
  /** Status codes and their counts, e.g. "200×31000". */
  codes: string;
  tooMany: number;
  /** Server-process CPU per request (µs): less swayed than req/s by other load on the machine. */
  cpuPerReq: number;
}

/**
 * The latency percentile of the times given (ms), to the microsecond. autocannon's own
 * histogram keeps whole milliseconds: with answers in 5-20 ms, a ratio of two p99s read from
 * it moved by a tenth for a truncation.
 */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** p50 and p99 of each 2xx answer's time (ms, as autocannon measured it). */
function percentiles(times: number[]): { p50: number; p99: number } {
  const sorted = times.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

export function run(load: Load): Promise<Result> {
  const first = typeof load.next === 'string' ? { path: load.next } : load.next();
  const nextShot = typeof load.next === 'string' ? () => first : load.next;
  let pending: Shot | undefined = first;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${load.port}`,
        connections: load.connections,
        duration: load.duration,
        requests: [
          {
            method: first.body ? 'POST' : 'GET',
            path: first.path,
            setupRequest: (req) => {
              const shot = pending ?? nextShot();
              pending = undefined;
              req.path = shot.path;
              req.headers = { ...req.headers, authorization: `Bearer ${load.feeder.next()}` };
              if (shot.body) {
                req.headers['content-type'] = 'application/json';
                req.body = JSON.stringify(shot.body);
              }
              return req;
            },
          },
        ],
      },
      (err, result) =>
        err ? reject(err) : resolve({ ...result, latency: { ...result.latency, ...percentiles(latencies) } }),
    );
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
    });
  });
}

export function summarise(r: Result, cpuMicros: number): Measured {
  const stats = r.statusCodeStats ?? {};
  const codes = Object.entries(stats)
    .map(([code, s]) => `${code}×${s.count}`)
    .join(' ');
  const ok = Object.entries(stats)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, s]) => sum + s.count, 0);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    ok,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    codes,
    tooMany: Number(stats['429']?.count ?? 0),
    cpuPerReq: cpuMicros / Math.max(1, r.requests.total),
  };
}

/** GET `path` once; it must answer 200, and with a non-empty list when it answers a list. Resolves with its time (ms). */
export async function probe(port: number, path: string, token: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status} instead of 200: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { data?: unknown };
  if (Array.isArray(body.data) && body.data.length === 0) throw new Error(`GET ${path} answered an empty list`);
  return performance.now() - started;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
