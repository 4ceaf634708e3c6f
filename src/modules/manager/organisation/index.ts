import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';

// The console's organisation pages.
export function organisationRoutes(app: FastifyInstance, deps: Deps): void {
  void app;
  void deps;
}
