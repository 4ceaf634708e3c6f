import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tokensRoutes } from './tokens.routes.js';

// API tokens: the profile's routes that list, create and revoke them, the authenticator that
// turns a bearer token into the caller, and what sign-up and invitation acceptance need to
// hand a new user their first token.

export { tokenAuthenticator, type TokenAuthenticator } from './token-authenticator.js';
export { tokensRepository } from './tokens.repository.js';
export { CreatedTokenSchema } from './tokens.schemas.js';

/** The caller's API tokens: list, create, revoke. */
export const tokensModule: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(tokensRoutes);
};
