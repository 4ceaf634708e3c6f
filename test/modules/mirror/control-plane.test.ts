import t from 'tap';
import { ADMIN_TOKEN, bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { admin, DAY, outbox } from '../../factories/renewals.js';

// The control plane: only the operator's token opens it, it does not exist without one, and
// its clock and outbox behave as documented.

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });

const clock = async () =>
  (await admin(app, 'GET', '/_mirror/clock')).json().data as { now: number; real_now: number; offset_seconds: number };
const move = (body: unknown) => admin(app, 'PUT', '/_mirror/clock', body);

t.test('only the MIRROR_ADMIN_TOKEN opens it', async (t) => {
  const user = await createUser(app.db);
  for (const [method, url] of [
    ['GET', '/_mirror/clock'],
    ['PUT', '/_mirror/clock'],
    ['GET', '/_mirror/outbox'],
  ] as const) {
    const none = await app.inject({ method, url, payload: method === 'PUT' ? { advance: 1 } : undefined });
    t.equal(none.statusCode, 401, `${method} ${url}: no token`);
    t.equal(none.json().error.code, 'not_authorized');
    t.match(none.headers['www-authenticate'], /^Bearer/);
    t.equal(
      (await app.inject({ method, url, headers: bearer(user.token) })).statusCode,
      401,
      `${method} ${url}: an API token is not the admin token`,
    );
    t.equal(
      (await app.inject({ method, url, headers: bearer(`${ADMIN_TOKEN}x`) })).statusCode,
      401,
      `${method} ${url}: a near miss`,
    );
  }
  t.equal((await clock()).offset_seconds, 0, 'the refused calls moved nothing');
});

t.test('without MIRROR_ADMIN_TOKEN the control plane is not there', async (t) => {
  const off = await buildTestApp(t, { config: { MIRROR_ADMIN_TOKEN: undefined } });
  for (const [method, url] of [
    ['GET', '/_mirror/clock'],
    ['PUT', '/_mirror/clock'],
    ['GET', '/_mirror/outbox'],
  ] as const) {
    const res = await off.inject({ method, url, headers: bearer(ADMIN_TOKEN) });
    t.equal(res.statusCode, 404, `${method} ${url}`);
    t.equal(res.json().error.code, 'method_not_found');
  }
});

t.test('the clock: set, advance by seconds or a duration, reset; every timestamp follows', async (t) => {
  const start = await clock();
  t.equal(start.offset_seconds, 0);
  t.ok(Math.abs(start.now - Date.now() / 1000) < 5, 'real time to begin with');

  const target = start.real_now + 30 * DAY;
  const set = await move({ now: target });
  t.equal(set.statusCode, 200, set.body);
  t.match(set.json().data, { renewals: { succeeded: 0, failed: 0, locked: 0 } });
  t.ok(Math.abs(set.json().data.now - target) <= 1, 'at the time asked');

  const u = await createUser(app.db);
  const created = await app.inject({
    method: 'POST',
    url: `/1/accounts/${u.accountId}/tags`,
    headers: bearer(u.token),
    payload: { name: 'later' },
  });
  t.equal(created.statusCode, 201, created.body);
  const tag = await app.db
    .selectFrom('tags')
    .select('created_at')
    .where('account_id', '=', u.accountId)
    .executeTakeFirstOrThrow();
  t.ok(Math.abs(Number(tag.created_at) - target) <= 2, "a row the database stamps itself carries the mirror's time");

  const before = (await clock()).now;
  const byDuration = await move({ advance: '1d6h' });
  t.ok(Math.abs(byDuration.json().data.now - (before + DAY + 6 * 3600)) <= 1, 'advance by 1d6h');
  const bySeconds = await move({ advance: 60 });
  t.ok(Math.abs(bySeconds.json().data.now - (before + DAY + 6 * 3600 + 60)) <= 1, 'advance by 60 seconds');

  const reset = await move({ reset: true });
  t.equal(reset.json().data.offset_seconds, 0);
  t.equal((await clock()).offset_seconds, 0, "back to the machine's time");
});

t.test('the clock refuses what it cannot do, naming the field', async (t) => {
  t.same(failedAttributes((await move({})).json()), ['now'], 'nothing asked');
  t.same(failedAttributes((await move({ now: 1, reset: true })).json()), ['now'], 'two at once');
  t.same(failedAttributes((await move({ advance: '3 days' })).json()), ['advance']);
  t.same(failedAttributes((await move({ advance: -5 })).json()), ['advance']);
  t.same(failedAttributes((await move({ reset: false })).json()), ['reset']);
  t.same(failedAttributes((await move({ now: 'tomorrow' })).json()), ['now']);
  t.same(failedAttributes((await move({ when: 1 })).json()), ['when']);
  t.equal((await clock()).offset_seconds, 0, 'nothing moved');
});

t.test(
  "the clock stays within 100 years of the machine's time: beyond, a 422 naming the field, never a 500",
  async (t) => {
    const real = (await clock()).real_now;
    // The rule is checked where the answer has one to give (advance is integer or duration: a
    // value failing both is refused for the first).
    const refused = async (body: object, field: string, rule: string | null, what: string) => {
      const res = await move(body);
      t.equal(res.statusCode, 422, `${what}: ${res.body}`);
      t.match(res.json().error, { code: 'validation_failed', errors: [{ context: { attribute: field } }] }, what);
      if (rule) t.equal(res.json().error.errors?.[0]?.code, `validation_rule_${rule}`, `${what}: the rule`);
    };
    await refused({ now: 1e20 }, 'now', 'max', 'now: 1e20');
    await refused({ now: real + 101 * 366 * DAY }, 'now', 'max', 'now: 101 years ahead');
    await refused({ now: -1 }, 'now', 'min', 'now: negative');
    await refused({ now: real + 0.5 }, 'now', 'integer', 'now: fractional');
    await refused({ advance: '99999999999d' }, 'advance', 'max', 'advance: 99999999999 days');
    await refused({ advance: `${'9'.repeat(400)}d` }, 'advance', null, 'advance: a 400-digit number of days');
    await refused({ advance: 1e20 }, 'advance', 'max', 'advance: 1e20 seconds');
    await refused({ advance: 1.5 }, 'advance', null, 'advance: fractional seconds');
    await refused({ advance: '1.5d' }, 'advance', null, 'advance: a fractional duration');
    await refused({ advance: '-1d' }, 'advance', null, 'advance: a negative duration');
    t.equal((await clock()).offset_seconds, 0, 'nothing moved');

    // The bound is on where the clock lands, so steps that are each allowed cannot add up past it.
    t.equal((await move({ advance: '36000d' })).statusCode, 200, 'about 98.6 years ahead: allowed');
    await refused({ advance: '900d' }, 'advance', 'max', 'a further 900 days would pass 100 years');
    t.equal((await move({ now: real - 50 * 365 * DAY })).statusCode, 200, '50 years back: allowed');
    t.equal((await move({ reset: true })).statusCode, 200);
  },
);

t.test('the outbox: filters by recipient and kind, paginated, newest first', async (t) => {
  const inviter = await createUser(app.db);
  for (const email of ['one@example.test', 'Two@Example.test']) {
    const res = await app.inject({
      method: 'POST',
      url: `/1/accounts/${inviter.accountId}/invitations`,
      headers: bearer(inviter.token),
      payload: { email, first_name: 'In', last_name: 'Vitee', locale: 'fr_FR', role_type: 'normal' },
    });
    t.equal(res.statusCode, 201, `invitation to ${email}`);
  }
  const toOne = await outbox(app, 'recipient=ONE@example.test');
  t.equal(toOne.length, 1, 'case-insensitive recipient');
  t.ok(toOne.every((n) => n.recipient.toLowerCase() === 'one@example.test'));
  const invitations = await outbox(app, `kind=invitation&account_id=${inviter.accountId}`);
  t.equal(invitations.length, 2);
  t.match(
    invitations.map((n) => n.recipient),
    [/^two@example\.test$/i, /^one@example\.test$/i],
    'newest first',
  );
  t.ok(invitations.every((n) => n.kind === 'invitation' && n.account_id === inviter.accountId));
  const page = (await admin(app, 'GET', `/_mirror/outbox?account_id=${inviter.accountId}&per_page=1`)).json();
  t.match(page, { total: invitations.length, page: 1, items_per_page: 1 });
  t.equal(page.data.length, 1);
  t.equal(
    (await admin(app, 'GET', `/_mirror/outbox?kind=invitation&account_id=${inviter.accountId}&return=total`)).json()
      .data,
    invitations.length,
  );
  t.same(failedAttributes((await admin(app, 'GET', '/_mirror/outbox?order_by=subject')).json()), ['order_by']);
});
