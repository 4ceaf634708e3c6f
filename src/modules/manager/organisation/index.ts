import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';
import { productsRoutes } from './products.routes.js';
import { teamRoutes } from './team.routes.js';
import { teamsRoutes } from './teams.routes.js';
import { userRightsRoutes } from './user-rights.routes.js';
import { usersRoutes } from './users.routes.js';

// The console's organisation pages: the Users tab (members, invitations, rights, leaving, the
// legal responsible), the Teams tab (each team on a page of its own) and the Products tab.
export function organisationRoutes(app: FastifyInstance, deps: Deps): void {
  usersRoutes(app, deps);
  userRightsRoutes(app, deps);
  teamsRoutes(app, deps);
  teamRoutes(app, deps);
  productsRoutes(app, deps);
}
