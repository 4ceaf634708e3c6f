import type { Results } from './report.js';

// The chart of docs/benchmarks.md, drawn here without any dependency: for each read route,
// req/s (more is better) and p99 (less is better) of ik-mirror beside the bare baseline of
// the same run, and beside the mock (Prism) where the peers run measured it. Horizontal bars,
// one row per route, plain SVG.

interface Series {
  name: string;
  color: string;
  values: (number | undefined)[];
}

const WIDTH = 900;
const LABEL_W = 250;
const BAR_H = 11;
const ROW_GAP = 10;
const PLOT_W = WIDTH - LABEL_W - 70;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round axis end above `max`: 1, 2 or 5 times a power of ten. */
function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * power >= max) ?? 10) * power;
}

function panel(top: number, title: string, labels: string[], series: Series[]): { svg: string; height: number } {
  const shown = series.filter((s) => s.values.some((v) => v !== undefined));
  const rowH = shown.length * BAR_H + ROW_GAP;
  const plotTop = top + 28;
  const height = 28 + labels.length * rowH + 24;
  const end = niceCeiling(Math.max(...shown.flatMap((s) => s.values.filter((v): v is number => v !== undefined))));
  const x = (v: number) => LABEL_W + (v / end) * PLOT_W;
  const parts = [`<text x="${LABEL_W}" y="${top + 16}" class="title">${escape(title)}</text>`];
  for (let i = 0; i <= 5; i++) {
    const v = (end / 5) * i;
    const gx = x(v).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${plotTop - 4}" x2="${gx}" y2="${plotTop + labels.length * rowH}" class="grid"/>`);
    parts.push(
      `<text x="${gx}" y="${plotTop + labels.length * rowH + 14}" class="tick">${Number(v.toPrecision(3))}</text>`,
    );
  }
  labels.forEach((label, row) => {
    const y0 = plotTop + row * rowH;
    parts.push(
      `<text x="${LABEL_W - 8}" y="${y0 + (shown.length * BAR_H) / 2 + 4}" class="label">${escape(label)}</text>`,
    );
    shown.forEach((s, j) => {
      const v = s.values[row];
      if (v === undefined) return;
      const y = y0 + j * BAR_H;
      parts.push(
        `<rect x="${LABEL_W}" y="${y}" width="${Math.max(1, x(v) - LABEL_W).toFixed(1)}" height="${BAR_H - 2}" fill="${s.color}"><title>${escape(`${s.name}: ${v.toFixed(0)}`)}</title></rect>`,
        `<text x="${(x(v) + 4).toFixed(1)}" y="${y + BAR_H - 3}" class="value">${v.toFixed(0)}</text>`,
      );
    });
  });
  return { svg: parts.join('\n'), height };
}

function legend(top: number, series: Series[]): string {
  return series
    .filter((s) => s.values.some((v) => v !== undefined))
    .map((s, i) => {
      const x = LABEL_W + i * 200;
      return `<rect x="${x}" y="${top}" width="12" height="12" fill="${s.color}"/><text x="${x + 18}" y="${top + 10}" class="legend">${escape(s.name)}</text>`;
    })
    .join('\n');
}

/** The chart of one engine's read routes, with the peers run's mock figures where it measured the same route. */
export function readsChart(results: Results, peers: Results | undefined): string | undefined {
  const reads = results.reads;
  if (!reads?.routes.length) return undefined;
  const labels = reads.routes.map((r) => r.label);
  const mockOf = (label: string) => peers?.reads?.routes.find((r) => r.label === label)?.mock;
  const series = (pick: 'rps' | 'p99'): Series[] => [
    { name: `ik-mirror (${results.engine})`, color: '#2f6fde', values: reads.routes.map((r) => r.ikm[pick]) },
    {
      name: reads.baselineLabel,
      color: '#9aa5b1',
      values: reads.routes.map((r) => (r.baseline ?? reads.baseline)[pick]),
    },
    { name: 'Prism mock (peers run)', color: '#e0892b', values: labels.map((l) => mockOf(l)?.[pick]) },
  ];
  const title = `ik-mirror reads on ${results.engine}, ${results.settings.connections} connections — run of ${results.date.slice(0, 10)}, ${results.machine.cpus} CPUs, node ${results.machine.node}`;
  const rps = panel(40, 'requests per second (more is better)', labels, series('rps'));
  const p99 = panel(40 + rps.height + 10, 'p99 latency, ms (less is better)', labels, series('p99'));
  const height = 40 + rps.height + 10 + p99.height + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    '<style>.title{font-size:13px;font-weight:bold}.label{font-size:12px;text-anchor:end}.tick{font-size:10px;text-anchor:middle;fill:#555}.value{font-size:10px;fill:#333}.legend{font-size:12px}.grid{stroke:#ddd}.head{font-size:14px;font-weight:bold}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" class="head">${escape(title)}</text>`,
    rps.svg,
    p99.svg,
    legend(height - 22, series('rps')),
    '</svg>',
    '',
  ].join('\n');
}
