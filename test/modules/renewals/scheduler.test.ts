import t from 'tap';
import { buildTestApp } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { CARDS, saveCard } from '../../factories/billing.js';
import { addDomain, product } from '../../factories/renewals.js';
import type { Ticker } from '../../../src/modules/renewals/index.js';

// The renewal job also runs on its own, every RENEWAL_INTERVAL_SECONDS, without anyone moving
// the clock: a product inside the 14-day window is renewed by the timer. The test holds the
// timer (the app's ticker) and fires it itself, so nothing waits for real time to pass.

function heldTicker() {
  const timers: { ms: number; tick: () => Promise<void>; stopped: boolean }[] = [];
  const ticker: Ticker = {
    every(ms, tick) {
      const timer = { ms, tick, stopped: false };
      timers.push(timer);
      return { stop: () => void (timer.stopped = true) };
    },
  };
  return { ticker, timers };
}

t.test('the timer renews a due product by itself', async (t) => {
  const { ticker, timers } = heldTicker();
  const app = await buildTestApp(t, { config: { RENEWAL_INTERVAL_SECONDS: 1 }, renewalTicker: ticker });
  t.same(
    timers.map((x) => x.ms),
    [1000],
    'one timer, every second',
  );
  const u = await createUser(app.db);
  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const id = await addDomain(app.db, u.accountId, 10);
  const before = Number((await product(app.db, id)).expired_at);
  // Inside the window the API refuses to switch it on; the state of a product switched on earlier.
  await app.db
    .updateTable('products')
    .set({ auto_renewal: true, auto_renewal_method_id: card })
    .where('id', '=', id)
    .execute();
  const attempts = () => app.db.selectFrom('renewal_attempts').select('status').where('product_id', '=', id).execute();
  t.same(await attempts(), [], 'nothing before the timer fires');

  await timers[0].tick();
  t.match(await attempts(), [{ status: 'succeeded' }], 'renewed by the timer');
  t.ok(Number((await product(app.db, id)).expired_at) > before, 'the expiry moved');

  await app.close();
  t.ok(timers[0].stopped, 'closing the app stops the timer');
});

t.test('with the interval at 0 nothing runs by itself', async (t) => {
  const { ticker, timers } = heldTicker();
  const app = await buildTestApp(t, { config: { RENEWAL_INTERVAL_SECONDS: 0 }, renewalTicker: ticker });
  const u = await createUser(app.db);
  const card = await saveCard(app, u.token, u.accountId, CARDS.visa);
  const id = await addDomain(app.db, u.accountId, 10);
  await app.db
    .updateTable('products')
    .set({ auto_renewal: true, auto_renewal_method_id: card })
    .where('id', '=', id)
    .execute();
  t.same(timers, [], 'no timer');
  t.equal((await app.db.selectFrom('renewal_attempts').select('id').where('product_id', '=', id).execute()).length, 0);
  t.same(await app.renewals.runNow(), { succeeded: 1, failed: 0, locked: 0 }, 'until something runs it');
});
