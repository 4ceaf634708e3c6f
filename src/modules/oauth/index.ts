import type { FastifyPluginAsync } from 'fastify';
import type { RateLimitStore } from '../../plugins/rate-limit/stores.js';
import { authorizeRoutes } from './authorize.routes.js';
import { clientsRoutes } from './clients.routes.js';
import { bearerTokenRoutes, tokenRoutes } from './token.routes.js';

export { serverSecret } from './server-secrets.js';

// The OAuth 2.0 authorization server (with OpenID Connect) on the mirror's own host, at the
// paths upstream's login host uses: /authorize with its sign-in and consent pages, /token and
// its companions, discovery; and the API to register clients (/1/oauth_clients).
export const oauthModule: FastifyPluginAsync<{ store: RateLimitStore }> = async (app, { store }) => {
  await app.register(clientsRoutes);
  await app.register(authorizeRoutes, { store });
  await app.register(tokenRoutes, { store });
  await app.register(bearerTokenRoutes);
};
export { clearSessionCookie, sessionPrincipal, sessionSecretOf, setSessionCookie } from './browser-session.js';
export { signIn, sessionUser } from './sign-in.js';
export { refusalMessage } from './sign-in-throttle.js';
export { csrfTokens } from './csrf.js';
export { cookieName as consoleCookieName, secureCookies as consoleCookieSecure } from './issuer.js';
