import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.js';
import { activityRoutes } from './activity.routes.js';
import { appPasswordsRoutes } from './app-passwords.routes.js';
import { notificationsRoutes } from './notifications.routes.js';
import { sessionsRoutes } from './sessions.routes.js';
import { tokensRoutes } from './tokens.routes.js';

// The console's profile-security pages, under /manager/profile/…: API tokens, application
// passwords, sign-in sessions, the activity log, the sign-in notifications.
export function profileSecurityRoutes(app: FastifyInstance, deps: Deps): void {
  tokensRoutes(app, deps);
  appPasswordsRoutes(app, deps);
  sessionsRoutes(app, deps);
  activityRoutes(app, deps);
  notificationsRoutes(app, deps);
}

export { profileMenu } from './frame.js';
