// Requests by route and status, and their latency by route, as Prometheus reads them. Counted
// here rather than in prom-client's Counter and Histogram: those take a label object on every
// observation, check it against the label names and hash it into a key, a closure and several
// strings per call, on every request; here an answer adds to numbers found by two map lookups
// on strings it already has, and the text is written only when /metrics is read.

const REQUESTS = 'ikm_http_requests_total';
const LATENCY = 'ikm_http_request_duration_seconds';
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

interface Series {
  /** Answers by status code. */
  statuses: Map<number, number>;
  /** Answers at or under each bucket's bound (not cumulative: summed when written). */
  buckets: number[];
  sum: number;
  count: number;
}

/** A label value as the text format writes it: backslash, double quote and newline escaped. */
const labelValue = (value: string) => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

function bucketIndex(seconds: number): number {
  for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) return i;
  return BUCKETS.length;
}

export class RouteMetrics {
  /** Route → method → series: two lookups on strings every request has, nothing built. */
  private routes = new Map<string, Map<string, Series>>();

  observe(method: string, route: string, status: number, seconds: number): void {
    let methods = this.routes.get(route);
    if (!methods) this.routes.set(route, (methods = new Map<string, Series>()));
    let series = methods.get(method);
    if (!series) {
      series = { statuses: new Map(), buckets: new Array<number>(BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      methods.set(method, series);
    }
    series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
    series.buckets[bucketIndex(seconds)] += 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** Both metrics in Prometheus' text exposition format (each line ends in a newline). */
  text(): string {
    const requests = [`# HELP ${REQUESTS} Requests answered, by route and status`, `# TYPE ${REQUESTS} counter`];
    const latency = [`# HELP ${LATENCY} Time to answer, by route`, `# TYPE ${LATENCY} histogram`];
    for (const [route, methods] of this.routes) {
      for (const [method, series] of methods) {
        const labels = `method="${labelValue(method)}",route="${labelValue(route)}"`;
        for (const [status, n] of series.statuses) requests.push(`${REQUESTS}{${labels},status="${status}"} ${n}`);
        let cumulative = 0;
        series.buckets.forEach((n, i) => {
          cumulative += n;
          const le = i < BUCKETS.length ? String(BUCKETS[i]) : '+Inf';
          latency.push(`${LATENCY}_bucket{le="${le}",${labels}} ${cumulative}`);
        });
        latency.push(`${LATENCY}_sum{${labels}} ${series.sum}`, `${LATENCY}_count{${labels}} ${series.count}`);
      }
    }
    return `${requests.join('\n')}\n\n${latency.join('\n')}\n`;
  }
}
