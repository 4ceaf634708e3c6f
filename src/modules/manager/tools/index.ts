import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';
import { clockRoutes } from './clock.routes.js';
import { faultRoutes } from './faults.routes.js';
import { toolsHomeRoutes } from './home.routes.js';
import { journalRoutes } from './journal.routes.js';
import { outboxRoutes } from './outbox.routes.js';
import { sandboxRoutes } from './sandboxes.routes.js';
import { snapshotRoutes } from './snapshots.routes.js';
import { toolsStylesheetRoute } from './stylesheet.js';

// The console's test tools: the control plane (/_mirror) as pages, for whoever gave this
// browser the mirror's admin token (access.ts).
export function toolsRoutes(app: FastifyInstance, deps: Deps): void {
  toolsStylesheetRoute(app);
  toolsHomeRoutes(app, deps);
  outboxRoutes(app, deps);
  clockRoutes(app, deps);
  journalRoutes(app, deps);
  faultRoutes(app, deps);
  snapshotRoutes(app, deps);
  sandboxRoutes(app, deps);
}
