import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { CARDS, saveCard } from '../../factories/billing.js';
import { addDomain, product } from '../../factories/renewals.js';

// The renewal job also runs on its own, every RENEWAL_INTERVAL_SECONDS, without anyone moving
// the clock: a product inside the 14-day window is renewed by the timer.

t.test('the timer renews a due product by itself', async (t) => {
  const app = await buildTestApp(t, { config: { RENEWAL_INTERVAL_SECONDS: 1 } });
  const u = await createUser(app.db);
  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const id = await addDomain(app.db, u.accountId, 10);
  const before = Number((await product(app.db, id)).expired_at);
  // Inside the window the API refuses to switch it on; the state of a product switched on earlier.
  await app.db.updateTable('products').set({ auto_renewal: true, auto_renewal_method_id: card }).where('id', '=', id).execute();

  let attempts: { status: string }[] = [];
  for (let i = 0; i < 100 && attempts.length === 0; i++) {
    await sleep(100);
    attempts = await app.db.selectFrom('renewal_attempts').select('status').where('product_id', '=', id).execute();
  }
  t.match(attempts, [{ status: 'succeeded' }], 'renewed by the timer');
  t.ok(Number((await product(app.db, id)).expired_at) > before, 'the expiry moved');
});

t.test('with the interval at 0 nothing runs by itself', async (t) => {
  const app = await buildTestApp(t, { config: { RENEWAL_INTERVAL_SECONDS: 0 } });
  const u = await createUser(app.db);
  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const id = await addDomain(app.db, u.accountId, 10);
  await app.db.updateTable('products').set({ auto_renewal: true, auto_renewal_method_id: card }).where('id', '=', id).execute();
  await sleep(1500);
  t.equal((await app.db.selectFrom('renewal_attempts').select('id').where('product_id', '=', id).execute()).length, 0);
  t.same(await app.renewals.runNow(), { succeeded: 1, failed: 0, locked: 0 }, 'until something runs it');
});
