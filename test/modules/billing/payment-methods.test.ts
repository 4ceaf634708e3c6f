import t from 'tap';
import { buildTestApp, call, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { failedAttributes } from '../../factories/organisations.js';
import { cardBody, CARDS, futureYear, methodsUrl, methodUrl, saveCard, setCurrency } from '../../factories/billing.js';

const database = await testDatabase(t);
const app = await buildTestApp(t, { database });
const owner = await createUser(app.db);
const org = owner.accountId;
const post = (body: unknown) => call(app, owner.token, 'POST', methodsUrl(org), body);
const FIELDS = [
  'brand',
  'created_at',
  'exp_month',
  'exp_year',
  'id',
  'kind',
  'label',
  'last4',
  'supports_auto_renewal',
];

t.test('card brands are detected from the number; only brand, last 4 and expiry are kept', async (t) => {
  const cases: [string, string, Record<string, unknown>?][] = [
    [CARDS.visa, 'visa'],
    [CARDS.mastercard, 'mastercard'],
    [CARDS.mastercard2, 'mastercard'],
    [CARDS.cb, 'cb'],
    [CARDS.visa, 'cb', { brand: 'cb' }],
    ['4242 4242 4242 4242', 'visa'],
  ];
  for (const [number, brand, extra] of cases) {
    const res = await post(cardBody(number, { holder: 'Ada Lovelace', ...extra }));
    t.equal(res.statusCode, 201, `${number} → ${brand}`);
    const d = res.json().data;
    t.same(Object.keys(d).sort(), FIELDS);
    t.equal(d.kind, 'card');
    t.equal(d.brand, brand);
    t.equal(d.last4, number.replace(/\s/g, '').slice(-4));
    t.equal(d.exp_month, 12);
    t.equal(d.exp_year, futureYear());
    t.equal(d.supports_auto_renewal, true);
    t.match(d.label, /•••• \d{4}$/);
    const row = await app.db.selectFrom('payment_methods').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
    t.notMatch(JSON.stringify(row), number.replace(/\s/g, ''), 'the number is not stored');
    t.match(row.processor_token, /^pmt_ok_/);
  }
});

t.test("the processor token encodes the test card's behaviour", async (t) => {
  for (const [number, behaviour] of [
    [CARDS.declined, 'declined'],
    [CARDS.insufficient, 'insufficient'],
    [CARDS.pending, 'pending'],
  ] as const) {
    const id = (await post(cardBody(number))).json().data.id;
    const row = await app.db
      .selectFrom('payment_methods')
      .select('processor_token')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    t.match(row.processor_token, new RegExp(`^pmt_${behaviour}_[0-9a-f]+$`));
  }
});

t.test('card validation names the field', async (t) => {
  const year = new Date().getUTCFullYear();
  const month = new Date().getUTCMonth() + 1;
  const cases: [Record<string, unknown>, string[]][] = [
    [cardBody('4242424242424241'), ['number']], // Luhn
    [cardBody('42424242'), ['number']], // too short
    [cardBody('6011111111111117'), ['number']], // Discover: not accepted
    [cardBody(CARDS.mastercard, { brand: 'visa' }), ['brand']],
    [cardBody(CARDS.visa, { exp_year: year - 1 }), ['exp_year']],
    [cardBody(CARDS.visa, { cvc: '12' }), ['cvc']],
    [{ kind: 'card', number: CARDS.visa, exp_month: 1, cvc: '123' }, ['exp_year']],
    [cardBody(CARDS.visa, { email: 'a@b.ch' }), ['email']],
    [cardBody(CARDS.visa, { colour: 'red' }), ['colour']],
  ];
  if (month > 1) cases.push([cardBody(CARDS.visa, { exp_year: year, exp_month: month - 1 }), ['exp_month']]);
  for (const [body, attrs] of cases) {
    const res = await post(body);
    t.equal(res.statusCode, 422, JSON.stringify(body));
    t.equal(res.json().error.code, 'validation_failed');
    t.same(failedAttributes(res.json()), attrs);
  }
  const thisMonth = await post(cardBody(CARDS.visa, { exp_year: year, exp_month: month }));
  t.equal(thisMonth.statusCode, 201, 'a card expiring this month is still valid');
});

t.test('twint and paypal', async (t) => {
  const tw = await post({ kind: 'twint', phone: '079 123 45 67' });
  t.equal(tw.statusCode, 201);
  t.equal(tw.json().data.label, 'TWINT +41791234567');
  t.equal(tw.json().data.supports_auto_renewal, true);
  t.equal(tw.json().data.brand, null);
  t.equal(tw.json().data.last4, null);
  const pp = await post({ kind: 'paypal', email: 'Pay@Example.test' });
  t.equal(pp.statusCode, 201);
  t.equal(pp.json().data.label, 'PayPal pay@example.test');
  t.equal(pp.json().data.supports_auto_renewal, false);
  t.same(failedAttributes((await post({ kind: 'twint', phone: 'abc' })).json()), ['phone']);
  t.same(failedAttributes((await post({ kind: 'twint' })).json()), ['phone']);
  t.same(failedAttributes((await post({ kind: 'paypal', email: 'nope' })).json()), ['email']);
  t.same(failedAttributes((await post({ kind: 'paypal', email: 'a@b.ch', number: CARDS.visa })).json()), ['number']);
  const pending = await post({ kind: 'twint', phone: '+41790000259' });
  const row = await app.db
    .selectFrom('payment_methods')
    .select('processor_token')
    .where('id', '=', pending.json().data.id)
    .executeTakeFirstOrThrow();
  t.match(row.processor_token, /^pmt_pending_/);
});

t.test('postfinance only for a CHF organisation', async (t) => {
  const eur = await createUser(app.db);
  await setCurrency(app.db, eur.accountId, 'EUR');
  const refused = await call(app, eur.token, 'POST', methodsUrl(eur.accountId), {
    kind: 'postfinance',
    email: 'pf@example.test',
  });
  t.equal(refused.statusCode, 422);
  t.same(failedAttributes(refused.json()), ['kind']);
  t.equal(
    await app.db.selectFrom('payment_methods').select('id').where('account_id', '=', eur.accountId).executeTakeFirst(),
    undefined,
  );
  const chf = await post({ kind: 'postfinance', email: 'pf@example.test' });
  t.equal(chf.statusCode, 201);
  t.equal(chf.json().data.kind, 'postfinance');
  t.equal(chf.json().data.supports_auto_renewal, false);
});

t.test('list shows live methods of the organisation only; delete is soft and then 404', async (t) => {
  const other = await createUser(app.db);
  await saveCard(app, other.token, other.accountId, CARDS.visa);
  const mine = await createUser(app.db);
  const a = await saveCard(app, mine.token, mine.accountId, CARDS.visa);
  const b = await saveCard(app, mine.token, mine.accountId, CARDS.mastercard);
  const list = async () => (await call(app, mine.token, 'GET', methodsUrl(mine.accountId))).json();
  t.same(
    (await list()).data.map((m: { id: number }) => m.id),
    [a, b],
  );
  t.equal((await call(app, mine.token, 'GET', `${methodsUrl(mine.accountId)}?return=total`)).json().data, 2);
  const del = await call(app, mine.token, 'DELETE', methodUrl(mine.accountId, a));
  t.equal(del.statusCode, 200);
  t.equal(del.json().data, true);
  const row = await app.db
    .selectFrom('payment_methods')
    .select('deleted_at')
    .where('id', '=', a)
    .executeTakeFirstOrThrow();
  t.type(row.deleted_at, 'number', 'soft-deleted');
  t.same(
    (await list()).data.map((m: { id: number }) => m.id),
    [b],
  );
  t.equal((await call(app, mine.token, 'DELETE', methodUrl(mine.accountId, a))).statusCode, 404, 'already deleted');
  t.equal((await call(app, mine.token, 'DELETE', methodUrl(mine.accountId, 999999))).statusCode, 404);
});
