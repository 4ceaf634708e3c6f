import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';

// The console's profile-security pages.
export function profileSecurityRoutes(app: FastifyInstance, deps: Deps): void {
  void app;
  void deps;
}
