import t from 'tap';
import { sql } from 'kysely';
import { buildTestApp, testDatabase, bearer } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { requestHash } from '../../../src/shared/idempotency.js';
import { balanceOf, call, cardBody, CARDS, creditUrl, ledger, methodsUrl, payments, saveCard } from '../../factories/billing.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

let seq = 0;
const newKey = () => `key-${process.pid}-${++seq}`;
const keyed = (u: TestUser, url: string, body: unknown, key: string) => call(app, u.token, 'POST', url, body, { 'idempotency-key': key });
const keyRow = (u: TestUser, key: string) =>
  app.db.selectFrom('idempotency_keys').selectAll().where('account_id', '=', u.accountId).where('key', '=', key).executeTakeFirst();

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

t.test('a key still in flight is 409 idempotency_key_in_use; a 5xx releases the key', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const key = newKey();
  const body = { amount: 500, method: 'card' };
  await app.db.insertInto('idempotency_keys')
    .values({ account_id: u.accountId, key, request_hash: requestHash('POST', creditUrl(u.accountId), body), status: 'in_flight' }).execute();
  const busy = await keyed(u, creditUrl(u.accountId), body, key);
  t.equal(busy.statusCode, 409);
  t.equal(busy.json().error.code, 'idempotency_key_in_use');
  t.equal((await payments(app.db, u.accountId)).length, 0);

  // A server failure inside the handler: the key is deleted so the client may retry.
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
});

t.test('concurrent requests with the same key over real HTTP: one executes, one ledger credit', async (t) => {
  const u = await createUser(app.db);
  await saveCard(app, u.token, u.accountId, CARDS.visa);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const key = newKey();
  const body = JSON.stringify({ amount: 1234, method: 'card' });
  const answers = await Promise.all(Array.from({ length: 20 }, async () => {
    const res = await fetch(`${address}${creditUrl(u.accountId)}`, {
      method: 'POST', headers: { ...bearer(u.token), 'content-type': 'application/json', 'idempotency-key': key }, body,
    });
    return { status: res.status, replayed: res.headers.get('idempotent-replayed'), json: (await res.json()) as { error?: { code: string } } };
  }));
  const executed = answers.filter((a) => a.status === 201 && a.replayed === null);
  const replayed = answers.filter((a) => a.status === 201 && a.replayed === 'true');
  const busy = answers.filter((a) => a.status === 409 && a.json.error?.code === 'idempotency_key_in_use');
  t.equal(executed.length, 1, 'exactly one executed');
  t.equal(executed.length + replayed.length + busy.length, 20, 'the others were replayed or told the key is in use');
  t.equal((await ledger(app.db, u.accountId)).length, 1);
  t.equal((await payments(app.db, u.accountId)).length, 1);
  t.equal(await balanceOf(app.db, u.accountId), 1234);
});
