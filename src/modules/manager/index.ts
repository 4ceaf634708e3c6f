import cookie from '@fastify/cookie';
import type { FastifyPluginAsync } from 'fastify';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { csrfTokens } from '../oauth/index.js';
import { STYLESHEET } from './assets.js';
import type { ConsoleCredentials } from './console-credentials.js';
import type { Deps } from './context.js';
import { homeRoutes } from './home.routes.js';
import { profileRoutes } from './profile.routes.js';
import { PAGE } from './route-config.js';
import { sessionRoutes } from './session.routes.js';
import { accountingRoutes } from './accounting/index.js';
import { organisationRoutes } from './organisation/index.js';
import { profileSecurityRoutes } from './profile-security/index.js';
import { renewalRoutes } from './renewals/index.js';
import { toolsRoutes } from './tools/index.js';

export { consoleCredentials, withConsoleSessions, type ConsoleCredentials } from './console-credentials.js';

// The Manager console at /manager: server-rendered pages, signed in with the browser's
// session, each acting as its user through the API (api-client.ts). The design notes say why.
export const managerModule: FastifyPluginAsync<{ store: RateLimitStore; credentials: ConsoleCredentials }> = async (
  app,
  { store, credentials },
) => {
  // Its own registration: the cookie plugin's hooks stay off the API (as for the sign-in pages).
  await app.register(cookie);
  const deps: Deps = { app, credentials, csrf: csrfTokens(app.db) };
  app.get('/manager/assets/manager.css', PAGE, (_req, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(STYLESHEET),
  );
  sessionRoutes(app, deps, store);
  homeRoutes(app, deps);
  profileRoutes(app, deps);
  profileSecurityRoutes(app, deps);
  organisationRoutes(app, deps);
  accountingRoutes(app, deps);
  renewalRoutes(app, deps);
  toolsRoutes(app, deps);
};
