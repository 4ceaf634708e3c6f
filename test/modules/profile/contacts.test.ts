import t from 'tap';
import { bearer, buildTestApp } from '../../helper.js';
import { createUser, type TestUser } from '../../factories/users.js';
import { addEmail, addPhone } from '../../factories/profile.js';
import { upstreamKeys } from '../reference/upstream.js';

interface Email {
  id: number;
  email: string;
  type: string;
  checked: boolean;
  reminder: boolean;
  created_at: number;
}

t.test('profile emails and phones', async (t) => {
  const app = await buildTestApp(t);
  const u = await createUser(app.db);
  const other = await createUser(app.db);
  const work = await addEmail(app.db, u.id, `work-${u.id}@example.test`, { type: 'professional', reminder: true });
  const pending = await addEmail(app.db, u.id, `pending-${u.id}@example.test`, {
    email_type: 'email_request',
    type: 'other',
    checked: false,
  });
  const othersEmail = await addEmail(app.db, other.id, `theirs-${other.id}@example.test`);
  const mobile = await addPhone(app.db, u.id, '+41 79 111 22 33', 'true');
  const landline = await addPhone(app.db, u.id, '+41 22 444 55 66');
  const othersPhone = await addPhone(app.db, other.id, '+33 6 12 34 56 78');
  const req = (method: 'GET' | 'DELETE', url: string, who: TestUser = u) =>
    app.inject({ method, url, headers: bearer(who.token) });
  const main = async () =>
    (
      await app.db
        .selectFrom('user_emails')
        .select('id')
        .where('user_id', '=', u.id)
        .where('email', '=', u.email)
        .executeTakeFirstOrThrow()
    ).id;

  t.test('items carry exactly the official field names', async (t) => {
    const emailKeys = upstreamKeys('get', '/2/profile/emails');
    t.same(emailKeys, ['checked', 'created_at', 'email', 'id', 'reminder', 'type']);
    t.same(upstreamKeys('get', '/2/profile/emails/{email_type}/{email_id}'), emailKeys);
    const phoneKeys = upstreamKeys('get', '/2/profile/phones');
    t.same(upstreamKeys('get', '/2/profile/phones/{phone_id}'), phoneKeys);
    t.equal(phoneKeys.length, 6);

    const emails = (await req('GET', '/2/profile/emails')).json().data;
    t.equal(emails.length, 3);
    for (const e of emails) t.same(Object.keys(e).sort(), emailKeys, e.email);
    t.same(Object.keys((await req('GET', `/2/profile/emails/email/${work.id}`)).json().data).sort(), emailKeys);
    const phones = (await req('GET', '/2/profile/phones')).json().data;
    t.equal(phones.length, 2);
    for (const p of phones) t.same(Object.keys(p).sort(), phoneKeys, p.phone);
    t.same(Object.keys((await req('GET', `/2/profile/phones/${mobile.id}`)).json().data).sort(), phoneKeys);
  });

  t.test('list and show emails', async (t) => {
    const res = await req('GET', '/2/profile/emails');
    t.equal(res.statusCode, 200);
    const emails: Email[] = res.json().data;
    t.same(
      emails.map((e) => e.email),
      [u.email, work.email, pending.email],
      "the caller's only, oldest first",
    );
    t.match(emails[0], { email: u.email, type: 'personal', checked: true, reminder: false });
    t.same(emails[1], {
      id: work.id,
      email: work.email,
      created_at: work.created_at,
      reminder: true,
      checked: true,
      type: 'professional',
    });
    t.match(emails[2], { id: pending.id, checked: false, type: 'other' });

    const one = await req('GET', `/2/profile/emails/email/${work.id}`);
    t.same(one.json(), { result: 'success', data: emails[1] });
    const request = await req('GET', `/2/profile/emails/email_request/${pending.id}`);
    t.equal(request.statusCode, 200);
    t.equal(request.json().data.email, pending.email);
  });

  t.test('the email type in the path must match', async (t) => {
    t.equal((await req('GET', `/2/profile/emails/email_request/${work.id}`)).statusCode, 404);
    t.equal((await req('GET', `/2/profile/emails/email/${pending.id}`)).statusCode, 404);
    const bad = await req('GET', `/2/profile/emails/phone/${work.id}`);
    t.equal(bad.statusCode, 422);
    t.same(
      bad.json().error.errors.map((e: { code: string; context: unknown }) => [e.code, e.context]),
      [['validation_rule_in', { attribute: 'email_type', values: ['email', 'email_request'] }]],
    );
    const badDelete = await req('DELETE', `/2/profile/emails/primary/${work.id}`);
    t.equal(badDelete.statusCode, 422);
    const badId = await req('GET', '/2/profile/emails/email/abc');
    t.equal(badId.statusCode, 422);
    t.equal(badId.json().error.errors[0].context.attribute, 'email_id');
  });

  t.test("someone else's email or phone is not found", async (t) => {
    for (const [method, url] of [
      ['GET', `/2/profile/emails/email/${othersEmail.id}`],
      ['DELETE', `/2/profile/emails/email/${othersEmail.id}`],
      ['GET', `/2/profile/phones/${othersPhone.id}`],
      ['DELETE', `/2/profile/phones/${othersPhone.id}`],
      ['GET', '/2/profile/emails/email/987654'],
      ['GET', '/2/profile/phones/987654'],
    ] as const) {
      const res = await req(method, url);
      t.equal(res.statusCode, 404, `${method} ${url}`);
      t.equal(res.json().error.code, 'object_not_found');
    }
    const theirs = (await req('GET', '/2/profile/emails', other)).json().data;
    t.same(
      theirs.map((e: Email) => e.email),
      [other.email, othersEmail.email],
      'nothing of theirs was removed',
    );
    const theirPhones = (await req('GET', '/2/profile/phones', other)).json().data;
    t.same(
      theirPhones.map((p: { id: number }) => p.id),
      [othersPhone.id],
    );
  });

  t.test('a secondary email can be deleted, the main one cannot', async (t) => {
    const res = await req('DELETE', `/2/profile/emails/email/${work.id}`);
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    t.equal((await req('GET', `/2/profile/emails/email/${work.id}`)).statusCode, 404);
    t.same(
      (await req('GET', '/2/profile/emails')).json().data.map((e: Email) => e.email),
      [u.email, pending.email],
    );
    t.equal((await req('DELETE', `/2/profile/emails/email/${work.id}`)).statusCode, 404, 'twice is not found');

    t.equal(
      (await req('DELETE', `/2/profile/emails/email_request/${pending.id}`)).statusCode,
      200,
      'a pending request too',
    );

    const mainId = await main();
    const refused = await req('DELETE', `/2/profile/emails/email/${mainId}`);
    t.equal(refused.statusCode, 422);
    t.equal(refused.json().error.code, 'validation_failed');
    t.same(
      refused
        .json()
        .error.errors.map((e: { code: string; context: { attribute: string } }) => [e.context.attribute, e.code]),
      [['email_id', 'validation_rule_not_in']],
    );
    t.same(
      (await req('GET', '/2/profile/emails')).json().data.map((e: Email) => e.id),
      [mainId],
    );
  });

  t.test('the main email follows an email change', async (t) => {
    const v = await createUser(app.db);
    const renamed = `renamed-${v.id}@example.test`;
    const patch = await app.inject({
      method: 'PATCH',
      url: '/2/profile',
      headers: bearer(v.token),
      payload: { email: renamed },
    });
    t.equal(patch.statusCode, 200);
    const [only] = (await req('GET', '/2/profile/emails', v)).json().data;
    t.equal(only.email, renamed);
    const refused = await req('DELETE', `/2/profile/emails/email/${only.id}`, v);
    t.equal(refused.statusCode, 422, 'the renamed main address is still protected');
  });

  t.test('list, show and delete phones', async (t) => {
    const list = await req('GET', '/2/profile/phones');
    t.equal(list.statusCode, 200);
    const phones = list.json().data;
    t.same(
      phones.map((p: { id: number; phone: string; reminder: string; checked: boolean; type: string }) => [
        p.id,
        p.phone,
        p.reminder,
        p.checked,
        p.type,
      ]),
      [
        [mobile.id, '+41 79 111 22 33', 'true', true, 'personal'],
        [landline.id, '+41 22 444 55 66', 'false', true, 'personal'],
      ],
    );
    const one = await req('GET', `/2/profile/phones/${landline.id}`);
    t.same(one.json(), { result: 'success', data: phones[1] });
    t.equal(phones[0].created_at, mobile.created_at);

    const del = await req('DELETE', `/2/profile/phones/${mobile.id}`);
    t.same([del.statusCode, del.json()], [200, { result: 'success', data: true }]);
    const gone = await req('GET', `/2/profile/phones/${mobile.id}`);
    t.equal(gone.statusCode, 404);
    t.equal(gone.json().error.code, 'object_not_found');
    t.equal((await req('DELETE', `/2/profile/phones/${mobile.id}`)).statusCode, 404);
    t.same(
      (await req('GET', '/2/profile/phones')).json().data.map((p: { id: number }) => p.id),
      [landline.id],
    );
    const badId = await req('GET', '/2/profile/phones/first');
    t.equal(badId.statusCode, 422);
    t.equal(badId.json().error.errors[0].context.attribute, 'phone_id');
  });

  t.test('the user_info scope is required', async (t) => {
    const limited = await createUser(app.db, { scopes: ['billing'] });
    const mine = await addPhone(app.db, limited.id, '+41 00 000 00 00');
    for (const [method, url] of [
      ['GET', '/2/profile/emails'],
      ['GET', '/2/profile/phones'],
      ['GET', `/2/profile/phones/${mine.id}`],
      ['DELETE', `/2/profile/phones/${mine.id}`],
    ] as const) {
      const res = await req(method, url, limited);
      t.equal(res.statusCode, 403, `${method} ${url}`);
      t.equal(res.json().error.code, 'access_denied');
    }
    const still = await app.db.selectFrom('user_phones').select('id').where('id', '=', mine.id).executeTakeFirst();
    t.ok(still, 'the phone was not deleted');
    const anonymous = await app.inject({ method: 'GET', url: '/2/profile/emails' });
    t.equal(anonymous.statusCode, 401);
  });
});
