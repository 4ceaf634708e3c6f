import { withDb, type Target } from '../database.js';
import { seedGrowthOrg } from '../growth-seed.js';
import { probe, TokenFeeder, type Measured } from '../load.js';
import { fixed, msText, type Report } from '../report.js';
import { seedOwner } from '../seed.js';
import { withServer } from '../server-process.js';
import { settings, TARGETS } from '../settings.js';
import { measureRoute } from '../measure.js';

// Flat cost as data grows: a page of 50 members of an organisation of 100 against one of
// 100,000, and a page of 50 invoices of an organisation with 1,000 against one with
// 1,000,000, the same load on both (BENCH_GROWTH_CONNECTIONS). Target: the big one's median
// latency within 2× the small one's. The embedded database takes the big sizes scaled down
// (BENCH_GROWTH_SCALE, 0.1 there by default; 0 skips the part).

const SMALL = { members: 100, invoices: 1_000 };
const BIG = { members: 100_000, invoices: 1_000_000 };
const PAGE = 50;

function scale(target: Target): number {
  return settings.growthScale ?? (target.kind === 'pglite' ? 0.1 : 1);
}

interface Pair {
  name: string;
  small: { size: number; path: string };
  big: { size: number; path: string };
}

export async function measureGrowth(report: Report, target: Target): Promise<void> {
  const factor = scale(target);
  report.heading('flat cost as data grows');
  if (factor <= 0) {
    report.note('growth part skipped (BENCH_GROWTH_SCALE=0).');
    return;
  }
  const big = { members: Math.round(BIG.members * factor), invoices: Math.round(BIG.invoices * factor) };
  if (factor !== 1)
    report.note(
      `growth sizes scaled by ${factor} on ${target.kind}: ${big.members} members and ${big.invoices} invoices instead of ${BIG.members} and ${BIG.invoices}.`,
    );
  const started = Date.now();
  const seeded = await withDb(target, async (db) => {
    const owner = await seedOwner(db, 'growth', Math.max(200, Math.ceil(settings.tokens / 10)));
    const small = await seedGrowthOrg(db, owner.userId, SMALL.members, SMALL.invoices);
    const large = await seedGrowthOrg(db, owner.userId, big.members, big.invoices);
    return { owner, small, large };
  });
  console.log(
    `  seeded ${SMALL.members} + ${big.members} members, ${SMALL.invoices} + ${big.invoices} invoices in ${Date.now() - started} ms`,
  );
  const pairs: Pair[] = [
    {
      name: `page of ${PAGE} members`,
      small: { size: SMALL.members, path: `/2/accounts/${seeded.small}/users?limit=${PAGE}` },
      big: { size: big.members, path: `/2/accounts/${seeded.large}/users?limit=${PAGE}` },
    },
    {
      name: `page of ${PAGE} invoices`,
      small: { size: SMALL.invoices, path: `/1/accounts/${seeded.small}/invoices?limit=${PAGE}` },
      big: { size: big.invoices, path: `/1/accounts/${seeded.large}/invoices?limit=${PAGE}` },
    },
  ];
  const tokens = seeded.owner.tokens;
  const probeToken = tokens[tokens.length - 1];
  const measured = await withServer(
    'ikm',
    target,
    async (server) => {
      const feeder = new TokenFeeder(tokens.slice(0, -1));
      const out: Run[] = [];
      for (const p of pairs) {
        // Each page must answer 200 with items; its second request alone (the first is cold) is
        // its time without load.
        const alone: number[] = [];
        for (const path of [p.small.path, p.big.path]) {
          await probe(server.port, path, probeToken);
          alone.push(await probe(server.port, path, probeToken));
        }
        const s = await measureRoute(server, p.small.path, feeder, settings.growthConnections);
        const b = await measureRoute(server, p.big.path, feeder, settings.growthConnections);
        console.log(
          `  ${p.name}: ${p.small.size} → p50 ${msText(s.p50)} ms, p99 ${msText(s.p99)} ms; ${p.big.size} → p50 ${msText(b.p50)} ms, p99 ${msText(b.p99)} ms`,
        );
        out.push({ s, b, alone });
      }
      return out;
      // No answer kept: the same page asked again would be answered from memory, whatever the data's size.
    },
    { ANSWER_CACHE_MB: '0' },
  );
  reportGrowth(report, pairs, measured);
}

interface Run {
  s: Measured;
  b: Measured;
  /** The small and the big page's time as one request alone, ms. */
  alone: number[];
}

function reportGrowth(report: Report, pairs: Pair[], measured: Run[]): void {
  const rows = pairs.map((p, i) => {
    const { s, b, alone } = measured[i];
    // A page alone can take well under a millisecond: 1 ms is the floor of the ratio's denominator.
    const ratio = b.p50 / Math.max(s.p50, 1);
    const p99Ratio = b.p99 / Math.max(s.p99, 1);
    // A run in which a page never came back has no latency to compare: it fails.
    const answered = s.total > 0 && b.total > 0;
    const clean = s.non2xx + s.errors + b.non2xx + b.errors === 0;
    const pass = answered && ratio <= TARGETS.growthRatio && clean;
    report.check({
      section: 'growth',
      name: `${p.name}: ${p.big.size} against ${p.small.size}`,
      value: answered
        ? `${fixed(ratio, 2)}× median latency (p99 ${fixed(p99Ratio, 2)}×)`
        : `no answer within the ${settings.duration} s run (${s.total} and ${b.total} answers)`,
      target: `≤ ${TARGETS.growthRatio}×`,
      pass,
    });
    const lat = (m: Measured) => (m.total > 0 ? `${msText(m.p50)} / ${msText(m.p99)}` : 'no answer');
    const r = (x: number) => (answered ? fixed(x, 2) : '–');
    return [
      p.name,
      String(p.small.size),
      fixed(alone[0]),
      lat(s),
      fixed(s.rps),
      String(p.big.size),
      fixed(alone[1]),
      lat(b),
      fixed(b.rps),
      r(ratio),
      r(p99Ratio),
      pass ? 'PASS' : 'FAIL',
    ];
  });
  report.table({
    title: `Flat cost as data grows (${settings.growthConnections} connections, ${settings.duration} s each)`,
    columns: [
      'page',
      'small',
      'alone ms',
      'p50 / p99 ms',
      'req/s',
      'big',
      'alone ms',
      'p50 / p99 ms',
      'req/s',
      'p50 ratio',
      'p99 ratio',
      'verdict',
    ],
    rows,
  });
}
