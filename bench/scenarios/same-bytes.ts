import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../database.js';
import { probe, TokenFeeder, type Measured } from '../load.js';
import { fixed, msText, type Figures, type Report } from '../report.js';
import { withServer } from '../server-process.js';
import { measureRoute } from '../measure.js';
import { SAME_BYTES_ENV } from '../settings.js';
import type { RouteSpec } from './reads.js';

// How fast any server could answer a route on this machine: the bare baseline's token lookup,
// then the route's own answer (its bytes, captured from ik-mirror) sent as they are, with no
// other work. The baseline answers one row; a list answers tens of kilobytes, and moving and
// reading those bytes costs the loopback and the load generator, on the same two cores, the
// same whoever serves them. The ceiling's ratio to the baseline is therefore the most a ratio
// target can ask of a route here; ik-mirror's ratio to the ceiling is what is left to its own work.

async function answersOf(target: Target, routes: RouteSpec[], token: string): Promise<string[]> {
  return withServer('ikm', target, async (server) => {
    const bodies: string[] = [];
    for (const r of routes) {
      const res = await fetch(`http://127.0.0.1:${server.port}${r.path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`GET ${r.path} answered ${res.status} while its bytes were captured`);
      bodies.push(await res.text());
    }
    return bodies;
  });
}

interface Ceiling {
  route: RouteSpec;
  bytes: number;
  measured: Measured;
}

async function ceilings(target: Target, routes: RouteSpec[], tokens: string[], probeToken: string) {
  const bodies = await answersOf(target, routes, probeToken);
  const dir = mkdtempSync(join(tmpdir(), 'ikm-same-bytes-'));
  const file = join(dir, 'answers.json');
  writeFileSync(file, JSON.stringify(bodies));
  try {
    return await withServer(
      'bare',
      target,
      async (server) => {
        const found: Ceiling[] = [];
        for (const [i, route] of routes.entries()) {
          await probe(server.port, `/bare/same/${i}`, probeToken);
          const measured = await measureRoute(server, `/bare/same/${i}`, new TokenFeeder(tokens));
          console.log(
            `  same ${route.label.padEnd(30)} ${fixed(measured.rps).padStart(6)} req/s  p99 ${msText(measured.p99)} ms`,
          );
          found.push({ route, bytes: Buffer.byteLength(bodies[i]), measured });
        }
        return found;
      },
      { [SAME_BYTES_ENV]: file },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures each route's ceiling (one round) and reports it beside the baseline and ik-mirror's medians. */
export async function reportSameBytes(
  report: Report,
  target: Target,
  routes: RouteSpec[],
  tokens: string[],
  probeToken: string,
  baseline: Figures,
  ikm: Map<string, Figures>,
): Promise<void> {
  const found = await ceilings(target, routes, tokens, probeToken);
  report.table({
    title: 'The same bytes: each answer served by the bare baseline after its token lookup (one round)',
    note:
      'The most any server could reach here: what is left between it and ik-mirror is ik-mirror’s own work; ' +
      'between it and the baseline, the size of the answer.',
    columns: ['route', 'answer KB', 'ceiling req/s', 'ceiling / baseline', 'ik-mirror / ceiling'],
    rows: found.map(({ route, bytes, measured }) => [
      route.label,
      fixed(bytes / 1024, 1),
      fixed(measured.rps),
      fixed(measured.rps / baseline.rps, 2),
      fixed((ikm.get(route.label)?.rps ?? NaN) / measured.rps, 2),
    ]),
  });
}
