import { randomBytes } from 'node:crypto';
import type { Target } from '../database.js';
import { median } from '../load.js';
import { fixed, type Report } from '../report.js';
import { withServer } from '../server-process.js';
import { settings, TARGETS } from '../settings.js';

// The control plane's own costs, last since it wipes the bench data: "reset + seed the demo
// fixture" (POST /_mirror/seed empties every table then loads it), restoring a snapshot of the
// demo state, and making a sandbox (a database of its own, migrated).

interface Timed {
  wall: number;
  /** What the server says it spent (its answer's `ms`). */
  ms: number;
}

type Call = (method: string, path: string, body?: object) => Promise<Timed>;

function caller(port: number, token: string): Call {
  return async (method, path, body) => {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const answer = (await res.json()) as { data?: { ms?: number } };
    if (res.status >= 300 || !answer.data)
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
    return { wall: performance.now() - started, ms: answer.data.ms ?? 0 };
  };
}

async function rounds(fn: () => Promise<Timed>): Promise<Timed[]> {
  const out: Timed[] = [];
  for (let i = 0; i < settings.seedRounds; i++) out.push(await fn());
  return out;
}

export async function measureControlPlane(report: Report, target: Target): Promise<void> {
  report.heading(`control plane, ${settings.seedRounds} round(s) each`);
  const token = `bench-admin-${randomBytes(12).toString('hex')}`;
  const runs = await withServer(
    'ikm',
    target,
    async (server) => {
      const call = caller(server.port, token);
      const seed = await rounds(() => call('POST', '/_mirror/seed', { fixture: 'demo' }));
      await call('POST', '/_mirror/snapshots', { name: 'bench-demo' });
      const restore = await rounds(() => call('POST', '/_mirror/snapshots/bench-demo/restore'));
      const sandbox = `bench-${randomBytes(4).toString('hex')}`;
      const sandboxes = await rounds(async () => {
        const made = await call('POST', '/_mirror/sandboxes', { name: sandbox });
        await call('DELETE', `/_mirror/sandboxes/${sandbox}`);
        return made;
      });
      return { seed, restore, sandboxes };
    },
    { BENCH_ADMIN_TOKEN: token },
  );
  const row = (name: string, r: Timed[]) => {
    const wall = r.map((x) => x.wall);
    return [name, fixed(median(wall)), fixed(Math.max(...wall)), fixed(median(r.map((x) => x.ms)))];
  };
  report.table({
    title: `Control plane (${settings.seedRounds} round(s) each)`,
    columns: ['operation', 'median ms', 'max ms', 'server-side median ms'],
    rows: [
      row('POST /_mirror/seed {fixture: demo} (reset + seed)', runs.seed),
      row('POST /_mirror/snapshots/{name}/restore (the demo state)', runs.restore),
      row('POST /_mirror/sandboxes (a database made and migrated)', runs.sandboxes),
    ],
  });
  const max = Math.max(...runs.seed.map((x) => x.wall));
  report.check({
    section: 'control',
    name: 'reset + seed, slowest round',
    value: `${fixed(max)} ms`,
    target: `< ${TARGETS.seedMs} ms`,
    pass: max < TARGETS.seedMs,
  });
}
