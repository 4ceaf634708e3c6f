import t, { type Test as Tap } from 'tap';
import { startChild, type Child } from './child.js';
import { migratedDataDir, needsPostgres, testDatabaseUrl } from '../helper.js';

// The server killed with SIGKILL in the middle of a burst of money movements (deposits on the
// prepaid account, orders, payments of their invoices partly from the prepaid account), then
// started again on the same data: every write it acknowledged is there, and the ledger holds
// together. The kill comes right after the KILL_AFTER-th acknowledgement, with the other
// workers' requests in flight; no timer decides it.

t.setTimeout(300_000);

const ADMIN = 'crash-test-admin-token-0123';
const WORKERS = 6;
const KILL_AFTER = 40;
const ACME = 1; // the demo fixture's organisation, which Alice owns

type Env = Record<string, string>;
const start = (t: Tap, database: Env) =>
  startChild(t, 'server', {
    env: {
      ...database,
      PORT: '0',
      LOG_LEVEL: 'warn',
      MIRROR_ADMIN_TOKEN: ADMIN,
      RATE_LIMIT_MAX: '1000000',
      RENEWAL_INTERVAL_SECONDS: '0',
    },
  });

// What the checks read of the API's answers.
interface Payment {
  id: number;
  status: string;
  amount: number;
  prepaid_amount: number;
  invoice_ids: number[];
}
interface Invoice {
  id: number;
  status: string;
  total: number;
}
interface Order {
  id: number;
  status: string;
  invoice_id: number;
  items: { product_id: number | null }[];
}
interface Entry {
  id: number;
  kind: string;
  amount: number;
  payment_id: number | null;
}

const pick = (p: Payment | undefined) =>
  p && { status: p.status, amount: p.amount, prepaid_amount: p.prepaid_amount, invoice_ids: p.invoice_ids };

const call = async <T>(base: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, data: ((await res.json()) as { data: T }).data };
};

/** What the killed server answered 2xx to. */
interface Acknowledged {
  deposits: { payment_id: number; amount: number }[];
  orders: { id: number; invoice_id: number }[];
  payments: { id: number; invoice_id: number; amount: number; prepaid_amount: number }[];
}

/** Writes from WORKERS workers until the KILL_AFTER-th acknowledgement, which kills the server. */
async function burst(t: Tap, server: Child, base: string, token: string): Promise<Acknowledged> {
  const acked: Acknowledged = { deposits: [], orders: [], payments: [] };
  let count = 0;
  let inFlight = 0;
  let inFlightAtKill = 0;
  const refused: string[] = [];
  const write = async <T>(path: string, body: unknown) => {
    inFlight++;
    try {
      const answer = await call<T>(base, token, 'POST', `/1/accounts/${ACME}${path}`, body);
      if (answer.status >= 300 && count < KILL_AFTER)
        refused.push(`${path} ${answer.status} ${JSON.stringify(answer.data)}`);
      return answer.status < 300 ? answer.data : undefined;
    } finally {
      inFlight--;
    }
  };
  const acknowledged = () => {
    if (++count !== KILL_AFTER) return;
    inFlightAtKill = inFlight;
    server.process.kill('SIGKILL');
  };
  const worker = async (w: number) => {
    for (let i = 0; ; i++) {
      if ((w + i) % 2) {
        const deposit = await write<{ payment_id: number }>('/prepaid/credit', { amount: 500, method: 'card' });
        if (!deposit) return;
        acked.deposits.push({ payment_id: deposit.payment_id, amount: 500 });
        acknowledged();
      } else {
        const order = await write<Order>('/orders', {
          items: [{ service_name: 'web_hosting', customer_name: `crash ${w}-${i}`, period_months: 1 }],
        });
        if (!order) return;
        acked.orders.push({ id: order.id, invoice_id: order.invoice_id });
        acknowledged();
        const paid = await write<Payment>('/payments', {
          invoice_ids: [order.invoice_id],
          method: 'card',
          use_prepaid: true,
        });
        if (!paid) return;
        acked.payments.push({
          id: paid.id,
          invoice_id: order.invoice_id,
          amount: paid.amount,
          prepaid_amount: paid.prepaid_amount,
        });
        acknowledged();
      }
    }
  };
  // After the kill every request fails (the connection is gone): that ends each worker.
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w).catch(() => undefined)));
  t.same(refused, [], 'nothing was refused before the kill');
  t.ok(count >= KILL_AFTER, `${count} writes acknowledged`);
  t.ok(inFlightAtKill > 0, `killed with ${inFlightAtKill} requests in flight`);
  return acked;
}

const all = async <T>(base: string, token: string, path: string) => {
  const answer = await call<T[]>(base, token, 'GET', `/1/accounts/${ACME}${path}?per_page=1000`);
  if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
  return answer.data;
};

/** Every acknowledged write is there, and the ledger, the payments and the invoices agree. */
async function check(t: Tap, base: string, token: string, acked: Acknowledged) {
  const [payments, invoices, orders, ledger, prepaid] = await Promise.all([
    all<Payment>(base, token, '/payments'),
    all<Invoice>(base, token, '/invoices'),
    all<Order>(base, token, '/orders'),
    all<Entry>(base, token, '/prepaid/transactions'),
    call<{ balance: number }>(base, token, 'GET', `/1/accounts/${ACME}/prepaid`).then((a) => a.data),
  ]);
  const payment = new Map(payments.map((p) => [p.id, p]));
  const invoice = new Map(invoices.map((i) => [i.id, i]));
  const order = new Map(orders.map((o) => [o.id, o]));
  const entriesOf = (paymentId: number) => ledger.filter((e) => e.payment_id === paymentId);

  for (const d of acked.deposits) {
    t.same(
      pick(payment.get(d.payment_id)),
      { status: 'succeeded', amount: d.amount, prepaid_amount: 0, invoice_ids: [] },
      `deposit ${d.payment_id} is there`,
    );
    t.same(
      entriesOf(d.payment_id).map((e) => [e.kind, e.amount]),
      [['credit', d.amount]],
      'with its one credit',
    );
  }
  for (const o of acked.orders) t.match(order.get(o.id), { invoice_id: o.invoice_id }, `order ${o.id} is there`);
  for (const p of acked.payments) {
    t.same(
      pick(payment.get(p.id)),
      { status: 'succeeded', amount: p.amount, prepaid_amount: p.prepaid_amount, invoice_ids: [p.invoice_id] },
      `payment ${p.id} is there`,
    );
    t.equal(invoice.get(p.invoice_id)?.status, 'paid', `its invoice ${p.invoice_id} is paid`);
  }

  // The invariants, over everything the database holds (unacknowledged writes that committed too).
  t.equal(
    prepaid.balance,
    ledger.reduce((s, e) => s + e.amount, 0),
    'the balance is the sum of the ledger',
  );
  t.ok(prepaid.balance >= 0, 'and never below zero');
  for (const e of ledger.filter((e) => e.payment_id !== null)) {
    const p = payment.get(e.payment_id!);
    // A credit is a deposit of its amount; a debit, the prepaid part of a payment of invoices.
    const deposit = e.kind === 'credit';
    t.same(
      p && [p.status, p.invoice_ids.length === 0, deposit ? p.amount : -p.prepaid_amount],
      ['succeeded', deposit, e.amount],
      `ledger entry ${e.id} matches its payment`,
    );
  }
  for (const p of payments.filter((p) => p.status === 'succeeded')) {
    const isDeposit = p.invoice_ids.length === 0;
    t.equal(
      entriesOf(p.id).length,
      isDeposit || p.prepaid_amount > 0 ? 1 : 0,
      `payment ${p.id} has its ledger entry, once`,
    );
    t.ok(
      p.invoice_ids.every((id) => invoice.get(id)?.status === 'paid'),
      `payment ${p.id}: its invoices are paid`,
    );
  }
  for (const i of invoices) {
    const settled = i.status === 'paid' ? i.total : 0;
    t.match(
      i,
      { amount_paid: settled, amount_due: i.total - settled },
      `invoice ${i.id} (${i.status}) is paid by its payments exactly`,
    );
  }
  for (const o of orders) {
    const paid = invoice.get(o.invoice_id)?.status === 'paid';
    t.equal(o.status, paid ? 'paid' : 'pending', `order ${o.id} follows its invoice`);
    if (paid)
      t.ok(
        o.items.every((item) => item.product_id !== null),
        `order ${o.id}: its products exist`,
      );
  }
}

async function crashAndRestart(t: Tap, database: Env) {
  const server = start(t, database);
  const base = await server.url();
  const seeded = await call<{ users: { key: string; token: string }[] }>(base, ADMIN, 'POST', '/_mirror/seed', {
    fixture: 'demo',
  });
  t.equal(seeded.status, 200, 'the demo fixture is loaded');
  const alice = seeded.data.users.find((u) => u.key === 'alice')!.token;

  const acked = await burst(t, server, base, alice);
  t.equal(await server.exited, null, 'killed');
  const restarted = start(t, database);
  await check(t, await restarted.url(), alice, acked);
  restarted.process.kill('SIGTERM');
  t.equal(await restarted.exited, 0, 'the restarted server closes gracefully');
}

t.test('the embedded database: killed mid-burst, restarted, every acknowledged write is there', async (t) => {
  await crashAndRestart(t, { DATA_DIR: await migratedDataDir(t) });
});

t.test(
  'Postgres: killed mid-burst, restarted, every acknowledged write is there',
  needsPostgres('a Postgres of its own for the server process'),
  async (t) => {
    await crashAndRestart(t, { DATABASE_URL: (await testDatabaseUrl(t))! });
  },
);
