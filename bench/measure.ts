import { run, summarise, type TokenFeeder } from './load.js';
import type { Server } from './server-process.js';
import { settings } from './settings.js';

/** Warm-up, then the measured run, with the server's CPU time taken around the latter. */
export async function measureRoute(
  server: Server,
  path: string,
  feeder: TokenFeeder,
  connections = settings.connections,
) {
  const load = { port: server.port, feeder, connections, next: path };
  if (settings.warmup > 0) await run({ ...load, duration: settings.warmup });
  const cpuBefore = await server.cpuMicros();
  const result = await run({ ...load, duration: settings.duration });
  return summarise(result, (await server.cpuMicros()) - cpuBefore);
}
