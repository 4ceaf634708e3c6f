import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';

// The console's accounting pages.
export function accountingRoutes(app: FastifyInstance, deps: Deps): void {
  void app;
  void deps;
}
