import fp from 'fastify-plugin';
import type { DatabaseHandle, Db } from '../db/database.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    database: DatabaseHandle;
  }
}

/** Shares the database handle; the caller that opened it closes it. */
export default fp<{ database: DatabaseHandle }>(
  async function db(app, { database }) {
    app.decorate('database', database);
    app.decorate('db', database.db);
  },
  { name: 'db' },
);
