import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import pg from 'pg';
import { statementNames } from './statement-names.js';
import type { Database } from './types.js';
import { isRecord } from '../shared/is-record.js';

// A transaction whose statements need nothing from the server between them, sent to Postgres
// as one message of the simple protocol: Postgres runs a message's statements as one
// transaction (its implicit transaction block), each with a fresh snapshot, and commits at its
// end; an error rolls all of it back. A lock the first statement takes is then held only while
// Postgres works, never while an answer travels to the server and the next statement back: on
// a busy server those trips were most of the time an organisation's payments queue for.
//
// The simple protocol carries no parameters, so each statement is prepared once per
// connection (PREPARE, its parameters typed as the extended protocol types them) and the
// message EXECUTEs it with its values written as quoted literals: the text form the extended
// protocol sends them in, so each is read by its parameter's type exactly as a bound value is.

/** The statements of one message, as the driver's connection receives them (see `inOneMessage`). */
export class OneMessage {
  constructor(readonly statements: readonly CompiledQuery[]) {}
}

/** What a connection gives for a message: the rows of each statement, in order. */
export type MessageRows = unknown[][];

/** The one parameter of the carrier statement, when it carries a message. */
export function messageOf(parameters: readonly unknown[] | undefined): OneMessage | undefined {
  const first = parameters?.[0];
  return parameters?.length === 1 && first instanceof OneMessage ? first : undefined;
}

/** The text of the carrier statement: never sent, it names what the parameter is. */
const CARRIER = '-- one message: the statements are its parameter';

/**
 * Runs the statements as one transaction, in one message, and answers the rows of each. Not
 * inside a transaction: the message is its own. On the embedded database (one connection,
 * nothing runs beside it) it is an ordinary transaction of the same statements.
 */
export async function inOneMessage(
  db: Kysely<Database> | Transaction<Database>,
  statements: readonly CompiledQuery[],
): Promise<MessageRows> {
  if (db.isTransaction) throw new Error('inOneMessage: a message is its own transaction, not part of one');
  for (const s of statements) s.parameters.forEach(mustBeCarried);
  const { rows } = await db.executeQuery(CompiledQuery.raw(CARRIER, [new OneMessage(statements)]));
  // The connections answer a message with one row per statement: that statement's rows.
  return rows.map((r): unknown[] => (Array.isArray(r) ? r : []));
}

// At most 200 texts are prepared for messages (they are per shape, so bounded); not the
// extended protocol's names (named-statements.ts): the same text is prepared apart.
const preparedName = statementNames('ikm_m_', 200);

/**
 * Only the kinds of value statements bind here: anything else (a Date, a list, JSON) is refused
 * rather than written in a form Postgres might read otherwise. Checked before any connection is
 * asked, so both databases refuse the same.
 */
type Carried = string | number | bigint | boolean | null | undefined;

function carried(value: unknown): value is Carried {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'bigint') return true;
  if (typeof value === 'boolean') return true;
  return typeof value === 'number' && Number.isFinite(value);
}

function mustBeCarried(value: unknown): asserts value is Carried {
  if (!carried(value)) throw new Error(`inOneMessage: a ${typeof value} cannot be written into a message`);
}

/** A value as a quoted literal of the text the extended protocol would send for it, or NULL. */
function literal(value: unknown): string {
  mustBeCarried(value);
  return value === null || value === undefined ? 'NULL' : pg.escapeLiteral(String(value));
}

/** The statement as the message runs it: EXECUTE of its prepared form, its own text without values. */
function inMessage(statement: CompiledQuery, name: string): string {
  return statement.parameters.length
    ? `EXECUTE ${name}(${statement.parameters.map(literal).join(', ')})`
    : statement.sql;
}

/** The rows of each result pg gives for a text of several statements (one result, typed as such, for one). */
function rowsOfEach(result: unknown): MessageRows {
  const results: unknown[] = Array.isArray(result) ? result : [result];
  return results.map((r): unknown[] => (isRecord(r) && Array.isArray(r.rows) ? r.rows : []));
}

/** Past the bound of prepared texts: the same statements as an ordinary transaction (the same outcome, more round trips). */
async function asTransaction(client: pg.PoolClient, message: OneMessage): Promise<{ rows: MessageRows }> {
  await client.query('BEGIN');
  try {
    const rows: MessageRows = [];
    for (const s of message.statements) rows.push(rowsOfEach(await client.query(s.sql, [...s.parameters]))[0]);
    await client.query('COMMIT');
    return { rows };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

/**
 * Sends a message on a Postgres connection: prepares what it has not prepared yet (each in its
 * own round trip, before the message), then the message, and answers each statement's rows.
 */
export async function sendOneMessage(
  client: pg.PoolClient,
  message: OneMessage,
  prepared: Set<string>,
): Promise<{ rows: MessageRows }> {
  const names = message.statements.map((s) => (s.parameters.length ? preparedName(s.sql) : ''));
  if (names.includes(undefined)) return asTransaction(client, message);
  for (const [i, name] of names.entries()) {
    if (!name || prepared.has(name)) continue;
    await client.query(`PREPARE ${name} AS ${message.statements[i].sql}`);
    prepared.add(name);
  }
  const text = message.statements.map((s, i) => inMessage(s, names[i] ?? '')).join(';\n');
  return { rows: rowsOfEach(await client.query(text)) };
}
