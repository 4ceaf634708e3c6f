import { machine, settings } from './settings.js';
import { median, type Measured } from './load.js';

// What a run found, as it is printed on the console and as it is kept (docs/benchmarks/*.json,
// from which docs/benchmarks.md and its chart are made): tables of figures, and checks, each a
// value against its target with PASS or FAIL (or neither, for a figure shown without target).

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU per request, µs. */
  cpuUs: number;
}

export interface ReadRoute {
  label: string;
  path: string;
  ikm: Figures;
  /** The baseline measured beside this route (medians of its pairs). */
  baseline?: Figures;
  /** Prism serving the same route (peers run only). */
  mock?: Figures;
}

export interface Table {
  title: string;
  note?: string;
  columns: string[];
  rows: string[][];
}

export interface Check {
  section: string;
  name: string;
  value: string;
  target: string;
  pass: boolean | null;
}

export interface Results {
  kind: 'engine' | 'peers';
  engine: 'postgres' | 'pglite';
  date: string;
  machine: ReturnType<typeof machine>;
  settings: { duration: number; warmup: number; connections: number; rounds: number };
  command: string;
  durationS?: number;
  reads?: { baseline: Figures; baselineLabel: string; routes: ReadRoute[] };
  tables: Table[];
  checks: Check[];
  notes: string[];
}

export function figures(m: Pick<Measured, 'rps' | 'p50' | 'p99' | 'cpuPerReq'>): Figures {
  return { rps: m.rps, p50: m.p50, p99: m.p99, cpuUs: m.cpuPerReq };
}

/** The figures of several rounds: each the median of its rounds'. */
export const medianFigures = (ms: Measured[]): Figures =>
  figures({
    rps: median(ms.map((m) => m.rps)),
    p50: median(ms.map((m) => m.p50)),
    p99: median(ms.map((m) => m.p99)),
    cpuPerReq: median(ms.map((m) => m.cpuPerReq)),
  });

export const verdict = (pass: boolean | null) => (pass === null ? '' : pass ? 'PASS' : 'FAIL');
export const fixed = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** A latency in ms: a tenth below 100 ms (load.ts measures them to the microsecond). */
export const msText = (x: number) => fixed(x, x < 100 ? 1 : 0);

export class Report {
  readonly results: Results;
  constructor(kind: Results['kind'], engine: Results['engine'], command: string) {
    const { duration, warmup, connections, rounds } = settings;
    this.results = {
      kind,
      engine,
      date: new Date().toISOString(),
      machine: machine(),
      settings: { duration, warmup, connections, rounds },
      command,
      tables: [],
      checks: [],
      notes: [],
    };
  }

  table(t: Table): void {
    this.results.tables.push(t);
    console.log('');
    console.log(t.title);
    const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => r[i]?.length ?? 0)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(line(t.columns));
    console.log(line(widths.map((w) => '-'.repeat(w))));
    for (const r of t.rows) console.log(line(r));
    if (t.note) console.log(t.note);
  }

  check(c: Check): void {
    this.results.checks.push(c);
    const target = c.target ? `  (target ${c.target})` : '';
    console.log(`  ${c.name}: ${c.value}${target}  ${verdict(c.pass)}`);
  }

  note(text: string): void {
    this.results.notes.push(text);
    console.log(`note: ${text}`);
  }

  heading(text: string): void {
    console.log('');
    console.log(`== ${text}`);
  }
}
