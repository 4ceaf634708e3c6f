import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ok } from '../../shared/reply.js';
import { envelope } from '../../shared/schemas.js';
import { SignupBody, SignupResultSchema } from './signup.schemas.js';
import { signupService } from './signup.service.js';

export const signupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = signupService(app.db);

  // Public; the global limiter counts unauthenticated calls per client IP.
  app.post(
    '/1/signup',
    {
      config: { auth: 'public', activity: { none: 'public: the new account is its own record (created_at)' } },
      schema: {
        operationId: 'signup',
        tags: ['Sign-up'],
        summary: 'Create a user, their organisation (they are its legal responsible) and a first API token, shown once',
        body: SignupBody,
        response: { 201: envelope(SignupResultSchema) },
      },
    },
    async (req, reply) => reply.status(201).send(ok(await service.signup(req.body))),
  );
};
