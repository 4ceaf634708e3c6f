import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createToken, createUser } from '../../factories/users.js';
import { addEmail, addPhone, addSession } from '../../factories/profile.js';
import { presence, upstreamFields } from '../reference/upstream.js';

// Paths that only come with `with=…`: the relations and the security block.
const RELATION_PATH = /^(sessions|phones|emails)(\[|$|\.)|^preferences\.security(\.|$)/;
const AUTH_DEVICE_ITEM = /^preferences\.security\.auth_devices\[\]\./;

t.test('GET /2/profile', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db, { first_name: 'Grace', last_name: 'Hopper' });
  const other = await createUser(app.db);
  const secondary = await addEmail(app.db, u.id, `alt-${u.id}@example.test`);
  const phone = await addPhone(app.db, u.id, '+41 79 123 45 67', 'true');
  await addPhone(app.db, other.id, '+41 79 000 00 00');
  await addSession(app.db, u.id, 'Firefox', 1_700_000_000);
  await addSession(app.db, u.id, 'Safari', 1_700_000_500);
  await addSession(app.db, other.id, 'Edge');
  const get = (url: string, token = u.token) => app.inject({ method: 'GET', url, headers: bearer(token) });
  const upstream = upstreamFields('get', '/2/profile');

  t.test('with every relation, every official field is present', async (t) => {
    t.ok(upstream.length > 60, `${upstream.length} upstream paths`);
    const res = await get('/2/profile?with=emails,phones,security');
    t.equal(res.statusCode, 200);
    const { missing, unchecked } = presence(res.json().data, upstream);
    t.same(missing, []);
    // No authentication device is ever registered here, so their item fields cannot show.
    t.same(res.json().data.preferences.security.auth_devices, []);
    t.ok(
      unchecked.every((p) => AUTH_DEVICE_ITEM.test(p)),
      `unchecked: ${unchecked.join(', ')}`,
    );
  });

  t.test('without relations, every field but the relations is present', async (t) => {
    const res = await get('/2/profile');
    t.equal(res.statusCode, 200);
    const data = res.json().data;
    const { missing } = presence(data, upstream);
    t.same(
      missing,
      upstream.filter((p) => RELATION_PATH.test(p)),
      'exactly the relation paths are left out',
    );
    t.notOk('sessions' in data);
    t.notOk('phones' in data);
    t.notOk('emails' in data);
    t.notOk('security' in data.preferences);
  });

  t.test('the values', async (t) => {
    const data = (await get('/2/profile')).json().data;
    t.match(data, {
      id: u.id,
      display_name: 'Grace Hopper',
      first_name: 'Grace',
      last_name: 'Hopper',
      email: u.email,
      login: u.email,
      is_sso: false,
      type: 'user',
      birth_at: null,
    });
    t.same(data.preferences, {
      account: { current_account_id: u.accountId },
      connection: {
        unsuccessful_limit: true,
        unsuccessful_rate_limit: 5,
        unsuccessful_notification: true,
        successful_notification: true,
      },
      language: { id: 2, name: 'English', short_name: 'EN', locale: 'en_GB', short_locale: 'en' },
      country: { id: 203, name: 'SWITZERLAND', short_name: 'CH', is_enabled: true },
      timezone: { id: 414, name: 'Europe/Zurich', gmt: '+01:00' },
    });
    t.notOk('password_hash' in data);
  });

  t.test("with=emails,phones,security loads the caller's relations only", async (t) => {
    const data = (await get('/2/profile?with=emails,phones,security')).json().data;
    t.same(
      data.emails.map((e: { email: string }) => e.email),
      [u.email, secondary.email],
    );
    t.same(
      data.phones.map((p: { id: number; phone: string; reminder: string }) => [p.id, p.phone, p.reminder]),
      [[phone.id, '+41 79 123 45 67', 'true']],
    );
    t.same(
      data.sessions.map((s: { browser: string }) => s.browser),
      ['Safari', 'Firefox'],
      'most recent first',
    );
    t.type(data.sessions[1].id, 'number', 'each session says its id (for keep_session_ids and ending it)');
    t.same(data.sessions[1], {
      id: data.sessions[1].id,
      browser: 'Firefox',
      last_accessed_at: 1_700_000_000,
      device: 'desktop',
      location: 'Geneva, CH',
      ip: '192.0.2.10',
      user_agent: 'Mozilla/5.0 Firefox',
    });
    t.match(data.preferences.security, {
      otp: false,
      sms: false,
      sms_phone: null,
      yubikey: false,
      infomaniak_application: false,
      double_auth: false,
      double_auth_method: null,
      remaining_rescue_code: 0,
      auth_devices: [],
    });
    t.type(data.preferences.security.date_last_changed_password, 'number');
  });

  t.test('relations one by one, as a list or with *', async (t) => {
    const emailsOnly = (await get('/2/profile?with=emails')).json().data;
    t.ok(Array.isArray(emailsOnly.emails));
    t.notOk('phones' in emailsOnly);
    t.notOk('sessions' in emailsOnly);
    const brackets = (await get('/2/profile?with[]=emails&with[]=phones')).json().data;
    t.equal(brackets.emails.length, 2);
    t.equal(brackets.phones.length, 1);
    t.notOk('sessions' in brackets);
    t.notOk('security' in brackets.preferences);
    const security = (await get('/2/profile?with=security')).json().data;
    t.equal(security.sessions.length, 2);
    t.ok(security.preferences.security);
    t.notOk('emails' in security);
    const star = (await get('/2/profile?with=*')).json().data;
    t.same([star.emails.length, star.phones.length, star.sessions.length], [2, 1, 2]);
    t.ok(star.preferences.security);
  });

  t.test('an unknown relation is a 422 listing the allowed ones', async (t) => {
    for (const url of [
      '/2/profile?with=bogus',
      '/2/profile?with=emails,bogus',
      '/2/profile?with[]=phones&with[]=passwords',
    ]) {
      const res = await get(url);
      t.equal(res.statusCode, 422, url);
      const body = res.json();
      t.equal(body.error.code, 'validation_failed');
      t.same(
        body.error.errors.map((e: { code: string; context: unknown }) => [e.code, e.context]),
        [['validation_rule_in', { attribute: 'with', values: ['emails', 'phones', 'security'] }]],
      );
    }
  });

  t.test('avatar: a default image unless no_avatar_default', async (t) => {
    const data = (await get('/2/profile')).json().data;
    t.match(data.avatar, new RegExp(`^https?://[^/]+/avatars/${u.id}/default\\.svg$`));
    for (const flag of ['1', 'true']) {
      t.equal((await get(`/2/profile?no_avatar_default=${flag}`)).json().data.avatar, null, flag);
    }
    for (const flag of ['0', 'false']) {
      t.equal((await get(`/2/profile?no_avatar_default=${flag}`)).json().data.avatar, data.avatar, flag);
    }
    t.equal((await get('/2/profile?no_avatar_default=yes')).statusCode, 422);

    const svg = await app.inject({ method: 'GET', url: new URL(data.avatar).pathname });
    t.equal(svg.statusCode, 200, 'public: no token needed');
    t.match(svg.headers['content-type'], /^image\/svg\+xml/);
    t.match(svg.body, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    t.match(svg.body, />GH<\/text>/, 'the initials');
    const withToken = await app.inject({ method: 'GET', url: new URL(data.avatar).pathname, headers: bearer(u.token) });
    t.equal(withToken.body, svg.body);
    const unknown = await app.inject({ method: 'GET', url: '/avatars/999999/default.svg' });
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().error.code, 'object_not_found');
  });

  t.test('the user_info scope is required', async (t) => {
    const accountsOnly = await createToken(app.db, u.id, ['accounts']);
    for (const url of ['/2/profile', '/1/profile', '/2/profile/emails', '/2/profile/phones']) {
      const res = await get(url, accountsOnly.secret);
      t.equal(res.statusCode, 403, url);
      const body = res.json();
      t.equal(body.error.code, 'access_denied');
      t.match(body.error.description, /user_info/);
    }
    const none = await app.inject({ method: 'GET', url: '/2/profile' });
    t.equal(none.statusCode, 401);
    t.equal(none.json().error.code, 'not_authorized');
    const userInfoOnly = await createToken(app.db, u.id, ['user_info']);
    t.equal((await get('/2/profile', userInfoOnly.secret)).statusCode, 200);
  });

  t.test('each user sees their own profile', async (t) => {
    const data = (await get('/2/profile?with=phones', other.token)).json().data;
    t.equal(data.id, other.id);
    t.equal(data.email, other.email);
    t.same(
      data.phones.map((p: { phone: string }) => p.phone),
      ['+41 79 000 00 00'],
    );
  });

  t.test('GET /1/profile keeps the v1 field names', async (t) => {
    const res = await get('/1/profile');
    t.equal(res.statusCode, 200);
    const data = res.json().data;
    t.match(data, {
      id: u.id,
      login: u.email,
      email: u.email,
      firstname: 'Grace',
      lastname: 'Hopper',
      display_name: 'Grace Hopper',
      language_id: 2,
      locale: 'en_GB',
      country_id: 203,
      timezone: 'Europe/Zurich',
      timezone_id: 414,
      current_account_id: u.accountId,
      is_sso: false,
    });
    t.type(data.created_at, 'number');
    t.notOk('first_name' in data);
    t.notOk('last_name' in data);
    t.notOk('preferences' in data);
    t.match(data.avatar, /\/avatars\/\d+\/default\.svg$/);
    t.equal((await get('/1/profile?no_avatar_default=1')).json().data.avatar, null);
    const latest = await get('/profile');
    t.equal(latest.statusCode, 200);
    t.equal(latest.json().data.first_name, 'Grace', 'without a version, /2 answers');
  });
});
