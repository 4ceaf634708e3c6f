import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { addAccount, addSession } from '../../factories/profile.js';

interface FieldError {
  code: string;
  description: string;
  context: { attribute: string; values?: unknown[] };
}

const rules = (errors: FieldError[]) => Object.fromEntries(errors.map((e) => [e.context.attribute, e.code]));

t.test('PATCH /2/profile', async (t) => {
  const app = await buildTestApp(t);
  const patch = (u: TestUser, payload: unknown, query = '') =>
    app.inject({ method: 'PATCH', url: `/2/profile${query}`, headers: bearer(u.token), payload: payload as object });
  const profile = async (u: TestUser, query = '') => {
    const res = await app.inject({ method: 'GET', url: `/2/profile${query}`, headers: bearer(u.token) });
    if (res.statusCode !== 200) throw new Error(`GET /2/profile answered ${res.statusCode}: ${res.body}`);
    return res.json().data;
  };
  /** The field errors of a response that must be a 422 validation_failed. */
  const failure = (res: {
    statusCode: number;
    body: string;
    json(): { error: { code: string; errors?: FieldError[] } };
  }) => {
    if (res.statusCode !== 422 || res.json().error.code !== 'validation_failed') {
      return [{ code: `unexpected ${res.statusCode}`, description: res.body, context: { attribute: '(response)' } }];
    }
    return res.json().error.errors ?? [];
  };

  t.test('names change and show in GET', async (t) => {
    const u = await createUser(app.db);
    const res = await patch(u, { firstname: 'Katherine', lastname: 'Johnson' });
    t.equal(res.statusCode, 200);
    t.match(res.json().data, { first_name: 'Katherine', last_name: 'Johnson', display_name: 'Katherine Johnson' });
    t.match(await profile(u), {
      id: u.id,
      first_name: 'Katherine',
      last_name: 'Johnson',
      display_name: 'Katherine Johnson',
    });
    const v1 = (await app.inject({ method: 'GET', url: '/1/profile', headers: bearer(u.token) })).json().data;
    t.match(v1, { firstname: 'Katherine', lastname: 'Johnson' });
    await patch(u, { lastname: 'Goble' });
    t.match(await profile(u), { first_name: 'Katherine', last_name: 'Goble' }, 'a field left out is kept');
  });

  t.test('an empty change answers the profile unchanged', async (t) => {
    const u = await createUser(app.db);
    const before = await profile(u);
    const res = await patch(u, {});
    t.equal(res.statusCode, 200);
    t.same(res.json().data, before);
  });

  t.test('language_id and locale stay consistent', async (t) => {
    const u = await createUser(app.db);
    const byId = await patch(u, { language_id: 1 });
    t.equal(byId.statusCode, 200);
    t.same(byId.json().data.preferences.language, {
      id: 1,
      name: 'French',
      short_name: 'FR',
      locale: 'fr_FR',
      short_locale: 'fr',
    });
    let v1 = (await app.inject({ method: 'GET', url: '/1/profile', headers: bearer(u.token) })).json().data;
    t.same([v1.language_id, v1.locale], [1, 'fr_FR']);

    const byLocale = await patch(u, { locale: 'it_IT' });
    t.equal(byLocale.statusCode, 200);
    t.equal(byLocale.json().data.preferences.language.id, 4);
    v1 = (await app.inject({ method: 'GET', url: '/1/profile', headers: bearer(u.token) })).json().data;
    t.same([v1.language_id, v1.locale], [4, 'it_IT']);

    const agreeing = await patch(u, { language_id: 3, locale: 'de_DE' });
    t.equal(agreeing.statusCode, 200);
    t.equal(agreeing.json().data.preferences.language.locale, 'de_DE');

    const disagreeing = await patch(u, { language_id: 1, locale: 'es_ES' });
    t.same(rules(failure(disagreeing)), { locale: 'validation_rule_same' });
    t.equal((await profile(u)).preferences.language.id, 3, 'nothing changed');

    const unknownLocale = await patch(u, { locale: 'xx_XX' });
    const [err] = failure(unknownLocale);
    t.same(err.context, { attribute: 'locale', values: ['fr_FR', 'en_GB', 'de_DE', 'it_IT', 'es_ES'] });
    t.equal(err.code, 'validation_rule_in');
  });

  t.test('every unknown reference is reported in one response', async (t) => {
    const u = await createUser(app.db);
    const res = await patch(u, {
      language_id: 99,
      locale: 'xx_XX',
      country_id: 999,
      timezone_id: 9999,
      timezone: 'Mars/Olympus_Mons',
      firstname: 'Changed',
    });
    t.same(rules(failure(res)), {
      language_id: 'validation_rule_exists',
      locale: 'validation_rule_in',
      country_id: 'validation_rule_exists',
      timezone_id: 'validation_rule_exists',
      timezone: 'validation_rule_timezone',
    });
    const after = await profile(u);
    t.equal(after.first_name, 'Ada', 'the valid part was not applied either');
    t.same([after.preferences.language.id, after.preferences.country.id, after.preferences.timezone.id], [2, 203, 414]);
  });

  t.test('timezone by name or id, and country', async (t) => {
    const u = await createUser(app.db);
    const byName = await patch(u, { timezone: 'America/New_York' });
    t.equal(byName.statusCode, 200);
    const tz = byName.json().data.preferences.timezone;
    t.equal(tz.name, 'America/New_York');
    t.equal(tz.gmt, '-05:00');
    const listed = (await app.inject({ method: 'GET', url: `/1/timezones/${tz.id}`, headers: bearer(u.token) })).json()
      .data;
    t.same(listed, tz, "the id is the catalogue's");
    t.same((await profile(u)).preferences.timezone, tz);

    const byId = await patch(u, { timezone_id: 414 });
    t.equal(byId.json().data.preferences.timezone.name, 'Europe/Zurich');
    const both = await patch(u, { timezone_id: 414, timezone: 'Asia/Tokyo' });
    t.same(rules(failure(both)), { timezone: 'validation_rule_same' });

    const country = await patch(u, { country_id: 1 });
    t.equal(country.statusCode, 200);
    t.same(country.json().data.preferences.country, { id: 1, name: 'AFGHANISTAN', short_name: 'AF', is_enabled: true });
    t.equal((await profile(u)).preferences.country.id, 1);
    const v1 = (await app.inject({ method: 'GET', url: '/1/profile', headers: bearer(u.token) })).json().data;
    t.same([v1.country_id, v1.timezone_id, v1.timezone], [1, 414, 'Europe/Zurich']);
  });

  t.test('dry_run checks everything and changes nothing', async (t) => {
    const u = await createUser(app.db);
    const res = await patch(
      u,
      { firstname: 'Dorothy', language_id: 5, timezone: 'Asia/Tokyo', country_id: 1 },
      '?dry_run=true',
    );
    t.equal(res.statusCode, 200);
    const wouldBe = res.json().data;
    t.equal(wouldBe.first_name, 'Dorothy');
    t.equal(wouldBe.preferences.language.locale, 'es_ES');
    t.equal(wouldBe.preferences.timezone.name, 'Asia/Tokyo');
    t.equal(wouldBe.preferences.country.id, 1);
    const after = await profile(u);
    t.equal(after.first_name, 'Ada');
    t.same([after.preferences.language.id, after.preferences.timezone.id, after.preferences.country.id], [2, 414, 203]);

    const invalid = await patch(u, { language_id: 42 }, '?dry_run=true');
    t.same(rules(failure(invalid)), { language_id: 'validation_rule_exists' });
    const schemaInvalid = await patch(u, { firstname: '' }, '?dry_run=true');
    t.same(rules(failure(schemaInvalid)), { firstname: 'validation_rule_min' });

    const other = await createUser(app.db);
    const taken = await patch(u, { email: other.email }, '?dry_run=true');
    t.equal(taken.statusCode, 409, 'a conflict shows in a dry run too');
    const free = `dry-${u.id}@example.test`;
    const email = await patch(u, { email: free }, '?dry_run=true');
    t.equal(email.json().data.email, free);
    t.equal((await profile(u)).email, u.email);
    const emails = (await app.inject({ method: 'GET', url: '/2/profile/emails', headers: bearer(u.token) })).json()
      .data;
    t.same(
      emails.map((e: { email: string }) => e.email),
      [u.email],
    );

    const pw = await patch(u, { current_password: u.password, password: 'Brand-new-pass-1' }, '?dry_run=true');
    t.equal(pw.statusCode, 200);
    const again = await patch(u, { current_password: u.password, password: 'Another-pass-2' });
    t.equal(again.statusCode, 200, 'the dry run did not change the password');
  });

  t.test('password change', async (t) => {
    const u = await createUser(app.db);
    const before = (await profile(u, '?with=security')).preferences.security.date_last_changed_password;
    const kept = await addSession(app.db, u.id, 'Kept');
    await addSession(app.db, u.id, 'Dropped');

    t.same(rules(failure(await patch(u, { password: 'New-password-9' }))), {
      current_password: 'validation_rule_required',
    });
    t.same(rules(failure(await patch(u, { current_password: 'wrong-password-1', password: 'New-password-9' }))), {
      current_password: 'validation_rule_current_password',
    });
    t.same(rules(failure(await patch(u, { current_password: u.password, password: 'onlyletters' }))), {
      password: 'validation_rule_regex',
    });
    t.same(rules(failure(await patch(u, { current_password: u.password, password: '12345678' }))), {
      password: 'validation_rule_regex',
    });
    t.same(rules(failure(await patch(u, { current_password: u.password, password: 'Ab1' }))), {
      password: 'validation_rule_min',
    });
    t.same(rules(failure(await patch(u, { current_password: 'wrong', password: 'weak' }))), {
      password: 'validation_rule_min',
    });
    t.same(
      rules(failure(await patch(u, { current_password: 'wrong-password-1', password: 'lettersonly' }))),
      {
        password: 'validation_rule_regex',
        current_password: 'validation_rule_current_password',
      },
      'both problems at once',
    );

    const ok = await patch(u, {
      current_password: u.password,
      password: 'New-password-9',
      keep_session_ids: [String(kept.id)],
    });
    t.equal(ok.statusCode, 200);
    t.notOk(JSON.stringify(ok.json()).includes('New-password-9'), 'the password never comes back');
    const sec = await profile(u, '?with=security');
    t.ok(sec.preferences.security.date_last_changed_password >= before);
    t.same(
      sec.sessions.map((s: { browser: string }) => s.browser),
      ['Kept'],
      'other sessions are closed',
    );

    const withOld = await patch(u, { current_password: u.password, password: 'Third-password-3' });
    t.same(
      rules(failure(withOld)),
      { current_password: 'validation_rule_current_password' },
      'the old password no longer works',
    );
    const withNew = await patch(u, { current_password: 'New-password-9', password: 'Third-password-3' });
    t.equal(withNew.statusCode, 200, 'the new one does');
    t.same((await profile(u, '?with=security')).sessions, [], 'no session kept this time');
  });

  t.test('email change', async (t) => {
    const u = await createUser(app.db);
    const other = await createUser(app.db);
    for (const email of [other.email, other.email.toUpperCase()]) {
      const res = await patch(u, { email });
      t.equal(res.statusCode, 409, email);
      t.equal(res.json().error.code, 'object_already_exists');
    }
    t.equal((await profile(u)).email, u.email);

    const same = await patch(u, { email: u.email.toUpperCase() });
    t.equal(same.statusCode, 200, "one's own address in another case is no change");
    t.equal(same.json().data.email, u.email);

    const free = `renamed-${u.id}@example.test`;
    const res = await patch(u, { email: free });
    t.equal(res.statusCode, 200);
    t.equal(res.json().data.email, free);
    t.equal((await profile(u)).email, free);
    const emails = (await app.inject({ method: 'GET', url: '/2/profile/emails', headers: bearer(u.token) })).json()
      .data;
    t.same(
      emails.map((e: { email: string; checked: boolean }) => [e.email, e.checked]),
      [[free, false]],
      'the new address awaits confirmation',
    );

    const back = await patch(other, { email: u.email });
    t.equal(back.statusCode, 200, 'the old address is free again');

    t.same(rules(failure(await patch(u, { email: 'not-an-email' }))), { email: 'validation_rule_email' });
  });

  t.test("current_account_id must be one of the user's organisations", async (t) => {
    const u = await createUser(app.db);
    const other = await createUser(app.db);
    const foreign = await patch(u, { current_account_id: other.accountId });
    t.same(rules(failure(foreign)), { current_account_id: 'validation_rule_exists' });
    const missing = await patch(u, { current_account_id: 2_000_000 });
    t.same(rules(failure(missing)), { current_account_id: 'validation_rule_exists' });
    const orphan = await addAccount(app.db, "Nobody's");
    t.equal((await patch(u, { current_account_id: orphan })).statusCode, 422);

    const joined = await addAccount(app.db, 'Second org', u.id);
    const res = await patch(u, { current_account_id: joined });
    t.equal(res.statusCode, 200);
    t.same(res.json().data.preferences.account, { current_account_id: joined });
    t.same((await profile(u)).preferences.account, { current_account_id: joined });
    const v1 = (await app.inject({ method: 'GET', url: '/1/profile', headers: bearer(u.token) })).json().data;
    t.equal(v1.current_account_id, joined);
  });

  t.test('the body is checked strictly', async (t) => {
    const u = await createUser(app.db);
    const unknown = await patch(u, { firstname: 'Ok', nickname: 'Ada' });
    const errs = failure(unknown);
    t.same(rules(errs), { nickname: 'validation_rule_prohibited' });
    t.equal((await profile(u)).first_name, 'Ada');
    t.same(
      rules(failure(await patch(u, { first_name: 'Snake' }))),
      { first_name: 'validation_rule_prohibited' },
      'v2 reads firstname, not first_name',
    );
    t.same(rules(failure(await patch(u, { firstname: 5 }))), { firstname: 'validation_rule_string' });
    t.same(
      rules(failure(await patch(u, { language_id: '1.0' }))),
      { language_id: 'validation_rule_integer' },
      'a JSON body is not coerced beyond what upstream reads (a decimal numeric string)',
    );
    t.same(rules(failure(await patch(u, { successful_connexion_notification: 'yes' }))), {
      successful_connexion_notification: 'validation_rule_boolean',
    });
    t.same(rules(failure(await patch(u, { unsuccessful_connexion_rate_limit: 0 }))), {
      unsuccessful_connexion_rate_limit: 'validation_rule_min',
    });
    t.same(rules(failure(await patch(u, { unsuccessful_connexion_rate_limit: 101 }))), {
      unsuccessful_connexion_rate_limit: 'validation_rule_max',
    });
    t.same(rules(failure(await patch(u, { unsuccessful_connexion_rate_limit: 2.5 }))), {
      unsuccessful_connexion_rate_limit: 'validation_rule_integer',
    });
    t.same(rules(failure(await patch(u, { birth_at: '17/05/1990' }))), { birth_at: 'validation_rule_date' });
    t.same(
      rules(failure(await patch(u, { firstname: 5, lastname: '', colour: 'red' }))),
      {
        firstname: 'validation_rule_string',
        lastname: 'validation_rule_min',
        colour: 'validation_rule_prohibited',
      },
      'every bad field at once',
    );
    const noScope = await createUser(app.db, { scopes: ['accounts'] });
    const denied = await patch(noScope, { firstname: 'X' });
    t.equal(denied.statusCode, 403);
    t.match(denied.json().error.description, /user_info/);
  });

  t.test('connection preferences round-trip', async (t) => {
    const u = await createUser(app.db);
    const res = await patch(u, {
      successful_connexion_notification: true,
      unsuccessful_connexion_notification: false,
      unsuccessful_connexion_limit: false,
      unsuccessful_connexion_rate_limit: 100,
    });
    t.equal(res.statusCode, 200);
    const expected = {
      unsuccessful_limit: false,
      unsuccessful_rate_limit: 100,
      unsuccessful_notification: false,
      successful_notification: true,
    };
    t.same(res.json().data.preferences.connection, expected);
    t.same((await profile(u)).preferences.connection, expected);
    await patch(u, { unsuccessful_connexion_rate_limit: 1, unsuccessful_connexion_limit: true });
    t.same((await profile(u)).preferences.connection, {
      ...expected,
      unsuccessful_rate_limit: 1,
      unsuccessful_limit: true,
    });
  });

  t.test('birth date and reminders', async (t) => {
    const u = await createUser(app.db);
    const res = await patch(u, {
      birth_at: '1990-05-17',
      reminder_email: 'backup@example.test',
      reminder_phone: '+41791234567',
    });
    t.equal(res.statusCode, 200);
    t.equal(res.json().data.birth_at, '1990-05-17');
    t.equal((await profile(u)).birth_at, '1990-05-17');
    const row = await app.db
      .selectFrom('users')
      .select(['reminder_email', 'reminder_phone'])
      .where('id', '=', u.id)
      .executeTakeFirstOrThrow();
    t.same(row, { reminder_email: 'backup@example.test', reminder_phone: '+41791234567' });
    await patch(u, { birth_at: null, reminder_email: null });
    t.equal((await profile(u)).birth_at, null);
    t.same(rules(failure(await patch(u, { reminder_phone: 'call me' }))), { reminder_phone: 'validation_rule_regex' });
  });
});
