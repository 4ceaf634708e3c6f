import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';

// The console's tools pages.
export function toolsRoutes(app: FastifyInstance, deps: Deps): void {
  void app;
  void deps;
}
