import t from 'tap';
import { sql, type Kysely } from 'kysely';
import { inOneMessage } from '../../src/db/one-message.js';
import { testDatabase } from '../helper.js';

// The transport of a transaction sent as one message (paying from the prepaid account uses it):
// each statement's rows, values read exactly as bound ones, all or nothing, and refused where
// it cannot keep its promise. On Postgres the message is the simple protocol's; embedded, an
// ordinary transaction of the same statements.

const database = await testDatabase(t);
// The probe table is the test's own: the app's tables know nothing of it.
const db = database.db as unknown as Kysely<{
  one_message_probe: { id: number; note: string | null; n: string | null; flag: boolean | null };
}>;
await sql`CREATE TABLE one_message_probe (id integer PRIMARY KEY, note text, n bigint, flag boolean)`.execute(db);

const insert = (id: number, note: string | null, n: number | null, flag: boolean | null) =>
  db
    .insertInto('one_message_probe')
    .values({ id, note, n: n === null ? null : String(n), flag })
    .compile();
const read = (id: number) =>
  db.selectFrom('one_message_probe').select(['id', 'note', 'n', 'flag']).where('id', '=', id).compile();
const count = () =>
  db
    .selectFrom('one_message_probe')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .compile();

t.test('answers the rows of each statement, its values read as bound values are', async (t) => {
  const note = "it's a \\ quote; DROP TABLE one_message_probe; --";
  const rows = await inOneMessage(database.db, [
    insert(1, note, 9_007_199_254_740_991, true),
    read(1),
    insert(2, null, null, null),
    read(2),
  ]);
  t.same(rows[0], [], 'an insert without returning gives no rows');
  t.same(
    rows[1],
    [{ id: 1, note, n: '9007199254740991', flag: true }],
    'a quote, a backslash and a semicolon are the text itself',
  );
  t.same(rows[3], [{ id: 2, note: null, n: null, flag: null }], 'null is NULL');
  const again = await inOneMessage(database.db, [read(1)]);
  t.same(again[0], rows[1], 'the same statement again, on whichever connection, reads the same');
});

t.test('is all or nothing: a statement that fails undoes the ones before it', async (t) => {
  const before = (await inOneMessage(database.db, [count()]))[0];
  await t.rejects(inOneMessage(database.db, [insert(10, 'kept?', 1, false), insert(1, 'a duplicate key', 1, false)]));
  t.same((await inOneMessage(database.db, [read(10)]))[0], [], 'the first insert was rolled back');
  t.same((await inOneMessage(database.db, [count()]))[0], before, 'nothing else changed');
});

t.test('refuses what it cannot carry, and being part of a transaction', async (t) => {
  const dated = db
    .selectFrom('one_message_probe')
    .select('id')
    .where('note', '=', new Date() as unknown as string)
    .compile();
  await t.rejects(inOneMessage(database.db, [dated]), /cannot be written into a message/, 'a Date');
  await t.rejects(
    database.db.transaction().execute((trx) => inOneMessage(trx, [count()])),
    /its own transaction/,
    'inside a transaction',
  );
});

t.test('past the bound of texts a connection prepares, the same outcome', async (t) => {
  // Each text is prepared once per connection, up to a bound; past it the statements run as an ordinary transaction.
  const texts = Array.from({ length: 210 }, (_, k) =>
    db.selectNoFrom(sql<number>`${sql.lit(k)}::integer + ${1}::integer`.as('sum')).compile(),
  );
  const sums = [];
  for (const text of texts) sums.push(((await inOneMessage(database.db, [text]))[0] as { sum: number }[])[0].sum);
  t.same(
    sums,
    Array.from({ length: 210 }, (_, k) => k + 1),
    'every text answered',
  );
  await t.rejects(
    inOneMessage(database.db, [insert(20, 'kept?', 1, false), texts[209], insert(1, 'a duplicate', 1, false)]),
  );
  t.same((await inOneMessage(database.db, [read(20)]))[0], [], 'still all or nothing');
});
