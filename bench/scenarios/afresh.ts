import { fixed, msText, type Figures, type Report } from '../report.js';
import type { ReadRound, RouteSpec } from './reads.js';

// The reads above repeat one GET on unchanged data, which ik-mirror answers from the answers it
// keeps (src/plugins/answer-cache.ts). This round runs the same load with none kept
// (ANSWER_CACHE_MB=0): what each answer costs to make, as a client changing data between its
// reads meets it.

/** One round of the routes with no answer kept, reported beside the kept answers' medians. */
export async function reportAfresh(
  report: Report,
  routes: RouteSpec[],
  measureRound: (extraEnv: Record<string, string>) => Promise<ReadRound>,
  baseline: Figures,
  kept: Map<string, Figures>,
): Promise<void> {
  console.log('  the same routes, every answer made afresh (ANSWER_CACHE_MB=0):');
  const round = await measureRound({ ANSWER_CACHE_MB: '0' });
  report.table({
    title: 'Every answer made afresh (ANSWER_CACHE_MB=0, one round)',
    note: 'The reads above are answered from the answers kept while the data stays the same; here each one is made.',
    columns: ['route', 'req/s', 'p50 ms', 'p99 ms', 'µs CPU/req', 'req/s ratio', 'kept / afresh'],
    rows: routes.map((route) => {
      const m = round.ikm.get(route.label);
      return [
        route.label,
        fixed(m?.rps ?? NaN),
        msText(m?.p50 ?? NaN),
        msText(m?.p99 ?? NaN),
        fixed(m?.cpuPerReq ?? NaN),
        fixed((m?.rps ?? NaN) / baseline.rps, 2),
        fixed((kept.get(route.label)?.rps ?? NaN) / (m?.rps ?? NaN), 2),
      ];
    }),
  });
}
