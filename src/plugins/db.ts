import fp from 'fastify-plugin';
import type { DatabaseHandle, Db } from '../db/database.js';
import { routedDb } from '../db/routed.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    database: DatabaseHandle;
  }
}

/**
 * Shares the database handle; the caller that opened it closes it. `app.db` routes each call
 * to the current scope's database: the main one, or a sandbox's (routed.ts).
 */
export default fp<{ database: DatabaseHandle }>(
  async function db(app, { database }) {
    app.decorate('database', database);
    app.decorate('db', routedDb(database.db));
  },
  { name: 'db' },
);
