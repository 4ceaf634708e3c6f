import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { messageOf, sendOneMessage } from './one-message.js';
import { statementNames } from './statement-names.js';

// Statements go to Postgres as named (prepared) statements: each connection parses and plans a
// statement once and then only binds and executes it. Unnamed, every request's statements were
// parsed and planned again: the account list's planning took ten times its execution.
//
// A statement's name is a digest of its text, so the same text has the same name on every
// connection and two texts never share one. The number of distinct names is bounded: texts
// made for one call (a list of n placeholders, a snapshot's own table names) must not grow
// every connection's statement cache without end, so past the bound a text goes unnamed.

const statementName = statementNames('ikm_', 1000);

/** A statement as pg takes it: named by its text (unnamed past the bound). Also lean-statements.ts's. */
export function namedQuery(text: string, parameters: readonly unknown[] = []): pg.QueryConfig {
  const values = [...parameters];
  const name = statementName(text);
  return name ? { name, text, values } : { text, values };
}

function namingClient(client: pg.PoolClient): PostgresPoolClient {
  // What this connection has prepared for messages (one-message.ts).
  const preparedForMessages = new Set<string>();
  function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(
    what: string | PostgresCursor<R>,
    parameters?: readonly unknown[],
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Kysely streams through a cursor only when the dialect is given one; this one is not.
    if (typeof what !== 'string') throw new Error('no cursor is configured for streaming');
    const message = messageOf(parameters);
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a message's rows are its statements' rows, one entry each: what inOneMessage reads
    if (message) return sendOneMessage(client, message, preparedForMessages) as Promise<PostgresQueryResult<R>>;
    const result = client.query(namedQuery(what, parameters));
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- pg types `command` as any string; Kysely's union lists the commands pg reports, and Kysely reads only rows, rowCount and command
    return result as Promise<PostgresQueryResult<R>>;
  }
  return { query, release: (destroy) => client.release(destroy) };
}

/** The pool as Kysely's Postgres dialect takes it, every statement named. */
export function namingPool(pool: pg.Pool): PostgresPool {
  // One wrapper per connection: Kysely keeps its own state per client object.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) wrappers.set(client, (wrapper = namingClient(client)));
      return wrapper;
    },
    end: () => pool.end(),
  };
}
