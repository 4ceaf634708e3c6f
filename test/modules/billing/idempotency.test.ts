import t from 'tap';
import { sql } from 'kysely';
import { bearer, buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { requestHash } from '../../../src/modules/idempotency/index.js';
import {
  balanceOf,
  cardBody,
  CARDS,
  creditUrl,
  ledger,
  methodsUrl,
  payments,
  saveCard,
} from '../../factories/billing.js';
import { addInvoice, invoiceRow, paymentsUrl } from '../../factories/payments.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

let seq = 0;
const newKey = () => `key-${process.pid}-${++seq}`;
const keyed = (u: TestUser, url: string, body: unknown, key: string) =>
  call(app, u.token, 'POST', url, body, { 'idempotency-key': key });
const keyRow = (u: TestUser, key: string) =>
  app.db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('account_id', '=', u.accountId)
    .where('key', '=', key)
    .executeTakeFirst();

t.test('same key and body: the first answer is replayed, nothing runs twice', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const key = newKey();
  const first = await keyed(u, creditUrl(u.accountId), { amount: 500, method: 'card' }, key);
  t.equal(first.statusCode, 201);
  t.equal(first.headers['idempotent-replayed'], undefined);
  const again = await keyed(u, creditUrl(u.accountId), { method: 'card', amount: 500 }, key);
  t.equal(again.statusCode, 201);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(again.json(), first.json());
  t.equal((await payments(app.db, u.accountId)).length, 1);
  t.equal(await balanceOf(app.db, u.accountId), 500);
  t.match(await keyRow(u, key), { status: 'done', response_status: 201 });
  const without = await call(app, u.token, 'POST', creditUrl(u.accountId), { amount: 500, method: 'card' });
  t.equal(without.statusCode, 201, 'without a key the request runs again');
  t.equal(await balanceOf(app.db, u.accountId), 1000);
});

t.test('same key, another body or path: 422 naming Idempotency-Key', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const key = newKey();
  t.equal((await keyed(u, creditUrl(u.accountId), { amount: 500, method: 'card' }, key)).statusCode, 201);
  const other = await keyed(u, creditUrl(u.accountId), { amount: 501, method: 'card' }, key);
  t.equal(other.statusCode, 422);
  t.same(failedAttributes(other.json()), ['Idempotency-Key']);
  const otherPath = await keyed(u, methodsUrl(u.accountId), cardBody(CARDS.visa), key);
  t.equal(otherPath.statusCode, 422);
  t.equal(await balanceOf(app.db, u.accountId), 500);
});

t.test('keys are scoped to the organisation', async (t) => {
  const a = await createUser(app.db);
  const b = await createUser(app.db);
  const key = newKey();
  const ra = await keyed(a, methodsUrl(a.accountId), cardBody(CARDS.visa), key);
  const rb = await keyed(b, methodsUrl(b.accountId), cardBody(CARDS.visa), key);
  t.equal(ra.statusCode, 201);
  t.equal(rb.statusCode, 201);
  t.equal(rb.headers['idempotent-replayed'], undefined);
  t.not(ra.json().data.id, rb.json().data.id);
  const replay = await keyed(a, methodsUrl(a.accountId), cardBody(CARDS.visa), key);
  t.equal(replay.headers['idempotent-replayed'], 'true');
  t.same(replay.json(), ra.json());
  const saved = await app.db.selectFrom('payment_methods').select('id').where('account_id', '=', a.accountId).execute();
  t.equal(saved.length, 1, 'saving a method with a replayed key saved it once');
});

t.test('client errors are stored and replayed; the key is bad only when empty or too long', async (t) => {
  const u = await createUser(app.db);
  const pm = await saveCard(app, u.token, u.accountId, CARDS.declined);
  const key = newKey();
  const first = await keyed(u, creditUrl(u.accountId), { amount: 500, method: 'card', payment_method_id: pm }, key);
  t.equal(first.statusCode, 402);
  const again = await keyed(u, creditUrl(u.accountId), { amount: 500, method: 'card', payment_method_id: pm }, key);
  t.equal(again.statusCode, 402);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(again.json(), first.json());
  t.equal((await payments(app.db, u.accountId)).length, 1, 'the card was charged once');
  for (const bad of ['', 'x'.repeat(256)]) {
    const res = await keyed(u, creditUrl(u.accountId), { amount: 500, method: 'card' }, bad);
    t.equal(res.statusCode, 422, `key of length ${bad.length}`);
  }
  t.equal((await keyed(u, methodsUrl(u.accountId), cardBody(CARDS.visa), 'k'.repeat(255))).statusCode, 201);
});

t.test(
  'a claim left in flight (by a mirror that claimed outside the change) is 409 idempotency_key_in_use; a 5xx stores nothing',
  async (t) => {
    const u = await createUser(app.db);
    await saveCard(app, u.token, u.accountId, CARDS.visa);
    const key = newKey();
    const body = { amount: 500, method: 'card' };
    await app.db
      .insertInto('idempotency_keys')
      .values({
        account_id: u.accountId,
        key,
        request_hash: requestHash('POST', creditUrl(u.accountId), body),
        status: 'in_flight',
      })
      .execute();
    const busy = await keyed(u, creditUrl(u.accountId), body, key);
    t.equal(busy.statusCode, 409);
    t.equal(busy.json().error.code, 'idempotency_key_in_use');
    t.equal((await payments(app.db, u.accountId)).length, 0);

    // A server failure inside the handler: the key's claim rolls back with it, so the client may retry.
    const key2 = newKey();
    await sql`ALTER TABLE payments ADD CONSTRAINT test_refuse_777 CHECK (amount <> 777)`.execute(app.db);
    const failed = await keyed(u, creditUrl(u.accountId), { amount: 777, method: 'card' }, key2);
    t.equal(failed.statusCode, 500);
    t.equal(await keyRow(u, key2), undefined, 'the key was released');
    await sql`ALTER TABLE payments DROP CONSTRAINT test_refuse_777`.execute(app.db);
    const retry = await keyed(u, creditUrl(u.accountId), { amount: 777, method: 'card' }, key2);
    t.equal(retry.statusCode, 201);
    t.equal(retry.headers['idempotent-replayed'], undefined);
    t.equal(await balanceOf(app.db, u.accountId), 777);
  },
);

t.test(
  'concurrent requests with the same key over real HTTP: one executes, the others wait and replay it, one ledger credit',
  async (t) => {
    const u = await createUser(app.db);
    await saveCard(app, u.token, u.accountId, CARDS.visa);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const key = newKey();
    const body = JSON.stringify({ amount: 1234, method: 'card' });
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const res = await fetch(`${address}${creditUrl(u.accountId)}`, {
          method: 'POST',
          headers: { ...bearer(u.token), 'content-type': 'application/json', 'idempotency-key': key },
          body,
        });
        return {
          status: res.status,
          replayed: res.headers.get('idempotent-replayed'),
          json: (await res.json()) as { error?: { code: string } },
        };
      }),
    );
    const executed = answers.filter((a) => a.status === 201 && a.replayed === null);
    const replayed = answers.filter((a) => a.status === 201 && a.replayed === 'true');
    t.equal(executed.length, 1, 'exactly one executed');
    t.equal(replayed.length, 19, 'the others waited for it and replayed its answer (none is told the key is in use)');
    t.same(new Set(replayed.map((a) => JSON.stringify(a.json))), new Set([JSON.stringify(executed[0].json)]));
    t.equal((await ledger(app.db, u.accountId)).length, 1);
    t.equal((await payments(app.db, u.accountId)).length, 1);
    t.equal(await balanceOf(app.db, u.accountId), 1234);
  },
);

// A failure after the change and before its answer is stored stands for a crash there: the
// answer is refused by a constraint the test adds (no API reaches it), so the transaction fails
// at its very last statement.
async function refuseAnswerOf(key: string) {
  await sql`ALTER TABLE idempotency_keys ADD CONSTRAINT test_refuse_answer CHECK (status <> 'done' OR key <> ${sql.lit(key)})`.execute(
    app.db,
  );
  return () => sql`ALTER TABLE idempotency_keys DROP CONSTRAINT test_refuse_answer`.execute(app.db);
}

t.test(
  'the answer commits with the change: a failure storing it leaves no key in flight and no money moved; a retry runs afresh once',
  async (t) => {
    const u = await createUser(app.db);
    await saveCard(app, u.token, u.accountId, CARDS.visa);
    const key = newKey();
    const body = { amount: 600, method: 'card' };
    const release = await refuseAnswerOf(key);
    const failed = await keyed(u, creditUrl(u.accountId), body, key);
    await release();
    t.equal(failed.statusCode, 500);
    t.equal(await keyRow(u, key), undefined, 'no claim is left behind');
    t.equal(await balanceOf(app.db, u.accountId), 0, 'the deposit rolled back with its answer');
    t.equal((await payments(app.db, u.accountId)).length, 0);

    const retry = await keyed(u, creditUrl(u.accountId), body, key);
    t.equal(retry.statusCode, 201, 'the retry runs (not 409 idempotency_key_in_use)');
    t.equal(retry.headers['idempotent-replayed'], undefined);
    const again = await keyed(u, creditUrl(u.accountId), body, key);
    t.equal(again.headers['idempotent-replayed'], 'true');
    t.equal(await balanceOf(app.db, u.accountId), 600, 'credited exactly once');
    t.equal((await ledger(app.db, u.accountId)).length, 1);
  },
);

t.test(
  'paying invoices: a failure storing the answer leaves the invoice unpaid and the prepaid account untouched',
  async (t) => {
    const u = await createUser(app.db);
    await saveCard(app, u.token, u.accountId, CARDS.visa);
    await keyed(u, creditUrl(u.accountId), { amount: 5000, method: 'card' }, newKey());
    const invoice = await addInvoice(app.db, u.accountId, 1500);
    const key = newKey();
    const body = { invoice_ids: [invoice], method: 'prepaid' };
    const release = await refuseAnswerOf(key);
    const failed = await keyed(u, paymentsUrl(u.accountId), body, key);
    await release();
    t.equal(failed.statusCode, 500);
    t.equal(await keyRow(u, key), undefined);
    t.equal((await invoiceRow(app.db, invoice)).status, 'unpaid');
    t.equal(await balanceOf(app.db, u.accountId), 5000, 'nothing was debited');

    const retry = await keyed(u, paymentsUrl(u.accountId), body, key);
    t.equal(retry.statusCode, 201);
    t.equal((await keyed(u, paymentsUrl(u.accountId), body, key)).headers['idempotent-replayed'], 'true');
    t.equal((await invoiceRow(app.db, invoice)).status, 'paid');
    t.equal(await balanceOf(app.db, u.accountId), 3500, 'debited exactly once');
  },
);

t.test('a key and the ledger row it answers for are written by one transaction', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const key = newKey();
  t.equal((await keyed(u, creditUrl(u.accountId), { amount: 700, method: 'card' }, key)).statusCode, 201);
  const {
    rows: [row],
  } = await sql<{ key_xid: string; ledger_xid: string }>`
    SELECT (SELECT xmin::text FROM idempotency_keys WHERE account_id = ${u.accountId} AND key = ${key}) AS key_xid,
           (SELECT xmin::text FROM prepaid_ledger WHERE account_id = ${u.accountId}) AS ledger_xid`.execute(app.db);
  t.ok(row.key_xid, 'the key is stored');
  t.equal(row.key_xid, row.ledger_xid, 'by the transaction that wrote the ledger');
});

t.test(
  'a declined payment with a key: the failed row and its 402 answer are stored together, and replayed',
  async (t) => {
    const u = await createUser(app.db);
    const pm = await saveCard(app, u.token, u.accountId, CARDS.declined);
    const invoice = await addInvoice(app.db, u.accountId, 900);
    const key = newKey();
    const body = { invoice_ids: [invoice], method: 'card', payment_method_id: pm };
    const first = await keyed(u, paymentsUrl(u.accountId), body, key);
    t.equal(first.statusCode, 402);
    const again = await keyed(u, paymentsUrl(u.accountId), body, key);
    t.equal(again.statusCode, 402);
    t.equal(again.headers['idempotent-replayed'], 'true');
    t.same(again.json(), first.json());
    t.equal((await payments(app.db, u.accountId)).length, 1, 'one failed attempt');
    t.equal((await invoiceRow(app.db, invoice)).status, 'unpaid');
  },
);
