import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';

// The console's renewals pages.
export function renewalRoutes(app: FastifyInstance, deps: Deps): void {
  void app;
  void deps;
}
