import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../shared/errors.js';

// Probes for orchestrators: public, outside the envelope's versioned paths, never limited.
const config = { auth: 'public' as const, rateLimit: false };
const Status = Type.Object({ status: Type.String() });

/** The envelope's code stays unexpected_error, but a probe reads the status: 503, not its usual 500. */
class DatabaseDown extends AppError {
  override readonly statusCode = 503;
  constructor() {
    super('unexpected_error', 'The database is not reachable');
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      config,
      schema: { operationId: 'healthz', tags: ['Operations'], summary: 'The process is up', response: { 200: Status } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config,
      schema: {
        operationId: 'readyz',
        tags: ['Operations'],
        summary: 'The database is reachable',
        response: { 200: Status },
      },
    },
    async (req) => {
      try {
        await app.database.ping();
      } catch (err) {
        req.log.warn({ err }, 'database not reachable');
        throw new DatabaseDown();
      }
      return { status: 'ok' };
    },
  );
};
