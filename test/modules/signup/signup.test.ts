import t from 'tap';
import { bearer, buildTestApp, testDatabase, type TestAppOptions } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { SCOPES } from '../../../src/shared/scopes.js';
import { verifyPassword } from '../../../src/shared/secrets.js';

type App = Awaited<ReturnType<typeof buildTestApp>>;
type Tap = Parameters<typeof buildTestApp>[0];

const SECRET = /^ikm_[A-Za-z0-9_-]{40,}$/;
let seq = 0;
const uniqueEmail = (prefix = 'new') => `${prefix}-${process.pid}-${Date.now()}-${seq++}@example.test`;

const body = (o: Record<string, unknown> = {}) => ({
  email: uniqueEmail(),
  password: 'Sunny-days-42',
  first_name: 'Grace',
  last_name: 'Hopper',
  locale: 'fr_FR',
  ...o,
});
const signup = (app: App, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/1/signup', payload: payload as object, headers });
const attributes = (res: { json(): { error: { errors?: { context: { attribute: string } }[] } } }) =>
  (res.json().error.errors ?? []).map((e) => e.context.attribute);

// One database for the file; every test signs up with addresses of its own.
const database = await testDatabase(t);

t.test('POST /1/signup', async (t) => {
  const app = await buildTestApp(t, { database });

  t.test('creates the user, an organisation they own and a working all-scope token', async (t) => {
    const input = body();
    const res = await signup(app, input);
    t.equal(res.statusCode, 201, res.body);
    const { user, account, token } = res.json().data;
    t.match(user, {
      email: input.email,
      first_name: 'Grace',
      last_name: 'Hopper',
      display_name: 'Grace Hopper',
      locale: 'fr_FR',
      language_id: 1,
    });
    t.same(Object.keys(user).sort(), [
      'display_name',
      'email',
      'first_name',
      'id',
      'language_id',
      'last_name',
      'locale',
    ]);
    t.match(account, {
      name: 'Grace Hopper',
      type: 'owner',
      billing: true,
      has_full_access: true,
      nb_users: 1,
      count_owners: 1,
      nb_invitations: 0,
      currency: 'CHF',
      locale: 'fr_FR',
      language: 'fr',
      language_id: 1,
      addresses: [],
      tags: [],
      is_customer: false,
    });
    t.match(token, { name: 'signup', expired_at: null, last_used_at: null });
    t.same([...token.scopes].sort(), [...SCOPES].sort(), 'the first token carries every scope');
    t.match(token.token, SECRET);

    // The token works, and the profile shows the new user on their new organisation.
    const profile = await app.inject({ method: 'GET', url: '/1/profile', headers: bearer(token.token) });
    t.equal(profile.statusCode, 200);
    t.match(profile.json().data, {
      id: user.id,
      login: input.email,
      email: input.email,
      current_account_id: account.id,
      locale: 'fr_FR',
      language_id: 1,
    });
    const accounts = await app.inject({ method: 'GET', url: '/1/accounts', headers: bearer(token.token) });
    t.same(
      accounts.json().data.map((a: { id: number }) => a.id),
      [account.id],
    );

    // Stored as the brief says: argon2 hash, owner with billing access, primary email unchecked.
    const row = await app.db
      .selectFrom('users')
      .select(['password_hash', 'login'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    t.match(row.password_hash, /^\$argon2id\$/);
    t.ok(await verifyPassword(row.password_hash, input.password), 'the password verifies against the stored hash');
    const member = await app.db.selectFrom('account_members').selectAll().where('user_id', '=', user.id).execute();
    t.match(member, [{ account_id: account.id, role_type: 'owner', has_billing_access: true }]);
    const emails = await app.db.selectFrom('user_emails').selectAll().where('user_id', '=', user.id).execute();
    t.match(emails, [{ email: input.email, email_type: 'email', type: 'personal', checked: false }]);
    t.notMatch(res.body, /argon2|[0-9a-f]{64}/, 'neither the password hash nor the token hash leaks');
  });

  t.test('a welcome notification is queued for the new user', async (t) => {
    const input = body();
    const res = await signup(app, input);
    t.equal(res.statusCode, 201);
    const { user, account } = res.json().data;
    const outbox = await app.db
      .selectFrom('notifications_outbox')
      .selectAll()
      .where('recipient', '=', input.email)
      .execute();
    t.equal(outbox.length, 1);
    t.match(outbox[0], { kind: 'welcome', user_id: user.id, account_id: account.id, subject: /Welcome/ });
  });

  t.test('organisation_name and currency are taken when given', async (t) => {
    const res = await signup(app, body({ organisation_name: 'Hopper & Co', currency: 'EUR', locale: 'de_DE' }));
    t.equal(res.statusCode, 201);
    t.match(res.json().data.account, {
      name: 'Hopper & Co',
      currency: 'EUR',
      locale: 'de_DE',
      language: 'de',
      language_id: 3,
    });
    const bad = await signup(app, body({ currency: 'USD' }));
    t.equal(bad.statusCode, 422);
    t.same(attributes(bad), ['currency']);
  });

  t.test('a duplicate email is 409, whatever its case', async (t) => {
    const email = uniqueEmail('dup');
    t.equal((await signup(app, body({ email }))).statusCode, 201);
    const again = await signup(app, body({ email: email.toUpperCase() }));
    t.equal(again.statusCode, 409);
    t.equal(again.json().error.code, 'object_already_exists');
    const existing = await createUser(app.db);
    const taken = await signup(app, body({ email: existing.email }));
    t.equal(taken.statusCode, 409, 'an address already used by any user is refused');
    const users = await app.db
      .selectFrom('users')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .execute();
    t.equal(users.length, 1);
  });

  t.test('weak passwords are 422 naming the password', async (t) => {
    for (const password of ['short1', 'onlyletters', '1234567890']) {
      const res = await signup(app, body({ password }));
      t.equal(res.statusCode, 422, password);
      t.equal(res.json().error.code, 'validation_failed');
      t.same(attributes(res), ['password'], password);
    }
    const rules = await Promise.all(
      ['short1', 'onlyletters'].map(
        async (password) => (await signup(app, body({ password }))).json().error.errors[0].code,
      ),
    );
    t.same(rules, ['validation_rule_min', 'validation_rule_regex']);
  });

  t.test('a bad email, an unknown locale or a missing field is 422 naming it', async (t) => {
    const email = await signup(app, body({ email: 'not-an-email' }));
    t.equal(email.statusCode, 422);
    t.same(attributes(email), ['email']);
    t.equal(email.json().error.errors[0].code, 'validation_rule_email');

    const locale = await signup(app, body({ locale: 'xx_XX' }));
    t.equal(locale.statusCode, 422);
    t.same(attributes(locale), ['locale']);
    t.ok(locale.json().error.errors[0].context.values.includes('en_GB'), 'the allowed locales are listed');

    const missing = await signup(app, { email: uniqueEmail(), password: 'Sunny-days-42' });
    t.equal(missing.statusCode, 422);
    t.same(attributes(missing).sort(), ['first_name', 'last_name', 'locale']);

    const extra = await signup(app, body({ role_type: 'owner' }));
    t.equal(extra.statusCode, 422);
    t.same(attributes(extra), ['role_type'], 'unknown fields are refused');
  });

  t.test('nothing is created when the sign-up is refused', async (t) => {
    const email = uniqueEmail('refused');
    await signup(app, body({ email, password: 'nodigitshere' }));
    await signup(app, body({ email, locale: 'zz_ZZ' }));
    const users = await app.db.selectFrom('users').select('id').where('email', '=', email).execute();
    t.equal(users.length, 0);
    const outbox = await app.db
      .selectFrom('notifications_outbox')
      .select('id')
      .where('recipient', '=', email)
      .execute();
    t.equal(outbox.length, 0);
  });

  t.test('it needs no token and ignores a bad one', async (t) => {
    const res = await signup(app, body(), bearer('ikm_not-a-real-token'));
    t.equal(res.statusCode, 201);
  });
});

/** An app listening on real HTTP, with the production limit unless told otherwise. */
async function listening(t: Tap, opts: TestAppOptions = {}) {
  const app = await buildTestApp(t, { database, ...opts });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const post = (payload: unknown) =>
    fetch(`${url}/1/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  return { app, post };
}

t.test('two simultaneous sign-ups with one email: one 201, one 409', async (t) => {
  const { app, post } = await listening(t);
  for (let round = 0; round < 3; round++) {
    const email = uniqueEmail('race');
    const responses = await Promise.all([post(body({ email })), post(body({ email: email.toUpperCase() }))]);
    const statuses = responses.map((r) => r.status).sort();
    t.same(statuses, [201, 409], `round ${round}`);
    const loser = (await responses.find((r) => r.status === 409)!.json()) as { error: { code: string } };
    t.equal(loser.error.code, 'object_already_exists');
    const users = await app.db
      .selectFrom('users')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .execute();
    t.equal(users.length, 1, 'exactly one user exists');
    const accounts = await app.db.selectFrom('accounts').select('id').where('name', '=', 'Grace Hopper').execute();
    const members = await app.db
      .selectFrom('account_members')
      .select('account_id')
      .where(
        'account_id',
        'in',
        accounts.map((a) => a.id),
      )
      .execute();
    t.equal(accounts.length, members.length, 'the loser left no organisation without a member behind');
  }
});

t.test('sign-up is limited per client IP and says so in the headers', async (t) => {
  const { post } = await listening(t, { config: { RATE_LIMIT_MAX: 2 } });
  const first = await post(body());
  t.equal(first.status, 201);
  t.equal(first.headers.get('x-ratelimit-limit'), '2');
  t.equal(first.headers.get('x-ratelimit-remaining'), '1');
  t.ok(Number(first.headers.get('x-ratelimit-reset')) >= 1);
  // A refused sign-up counts too: guessing costs the same as succeeding.
  const second = await post(body({ password: 'weak' }));
  t.equal(second.status, 422);
  t.equal(second.headers.get('x-ratelimit-remaining'), '0');
  const third = await post(body());
  t.equal(third.status, 429);
  t.equal(((await third.json()) as { error: { code: string } }).error.code, 'too_many_requests');
  t.ok(Number(third.headers.get('retry-after')) >= 1);
});
