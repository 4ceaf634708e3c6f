import t from 'tap';
import QRCode from 'qrcode';
import { bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createUser } from '../../factories/users.js';
import { ageInvitation, invite, inviteBody, inviteOk, keyOf } from '../../factories/invitations.js';
import {
  addProduct,
  addTeam,
  createMember,
  failedAttributes,
  freshEmail,
  nowS,
  outbox,
} from '../../factories/organisations.js';

// Every field of upstream's AccountInvitation object (reference/infomaniak-core-openapi.json).
const UPSTREAM_FIELDS = [
  'id',
  'first_name',
  'last_name',
  'email',
  'strict',
  'status',
  'role_type',
  'teams',
  'language_id',
  'locale',
  'account_id',
  'has_ksuite',
  'has_billing',
  'has_billing_mailing',
  'has_mailing',
  'ksuite',
  'app_accesses',
  'permissions',
  'service_permissions',
  'sent_at',
  'created_at',
  'updated_at',
  'expired_at',
  'url_accept',
  'qr_code',
].sort();
const DAYS_30 = 30 * 24 * 3600;

const database = await testDatabase(t);

t.test('creating an invitation', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db);
  const account = owner.accountId;

  t.test('201 with every upstream field, defaults as documented, and an email in the outbox', async (t) => {
    const email = freshEmail();
    const res = await invite(app, owner.token, account, inviteBody({ email, locale: 'de_DE' }));
    t.equal(res.statusCode, 201, res.body);
    const data = res.json().data;
    t.same(Object.keys(data).sort(), UPSTREAM_FIELDS);
    t.match(data, {
      email,
      first_name: 'Grace',
      last_name: 'Hopper',
      status: 'pending',
      role_type: 'normal',
      strict: true,
      locale: 'de_DE',
      language_id: 3,
      account_id: account,
      has_ksuite: false,
      has_billing: false,
      has_billing_mailing: false,
      has_mailing: false,
      ksuite: [],
      app_accesses: null,
      permissions: [],
      service_permissions: [],
      teams: [],
    });
    t.ok(Math.abs(data.created_at - nowS()) <= 5);
    t.equal(data.expired_at, data.created_at + DAYS_30, 'valid for 30 days');
    t.equal(data.sent_at, data.created_at);
    t.match(data.url_accept, /^http:\/\/[^/]+\/1\/invitations\/[A-Za-z0-9_-]{43}\/accept$/);
    const stored = await app.db
      .selectFrom('invitations')
      .select(['key_hash', 'invited_by_id', 'silent'])
      .where('id', '=', data.id)
      .executeTakeFirstOrThrow();
    t.match(stored.key_hash, /^[0-9a-f]{64}$/, 'the key is looked up by its SHA-256');
    t.equal(stored.invited_by_id, owner.id);
    t.notMatch(res.body, stored.key_hash, 'the hash never leaves the server');
    const mails = await outbox(app.db, email);
    t.equal(mails.length, 1);
    t.equal(mails[0].kind, 'invitation');
    t.equal(mails[0].account_id, account);
    t.ok(mails[0].body.includes(data.url_accept), 'the email carries the link');
  });

  t.test('qr_code is the QR code of url_accept, as an SVG data URI', async (t) => {
    const res = await invite(app, owner.token, account, inviteBody({ email: freshEmail() }));
    const { url_accept, qr_code } = res.json().data;
    const [head, base64] = String(qr_code).split(',');
    t.equal(head, 'data:image/svg+xml;base64');
    const svg = Buffer.from(base64, 'base64').toString('utf8');
    t.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>.*<\/svg>\n?$/s, 'an SVG image');
    t.equal(svg, await QRCode.toString(url_accept, { type: 'svg' }), "the QR code library's drawing of url_accept");
  });

  t.test('silent: no email; notifications, billing, strict and teams are stored', async (t) => {
    const email = freshEmail();
    const { id: team } = await addTeam(app.db, account, { name: 'Support', color_id: 3 });
    const res = await invite(
      app,
      owner.token,
      account,
      inviteBody({
        email,
        silent: true,
        strict: false,
        role_type: 'admin',
        notifications: { billing: true, products: true },
        permissions: { billing: true },
        teams: [team],
      }),
    );
    t.equal(res.statusCode, 201, res.body);
    const data = res.json().data;
    t.match(data, {
      strict: false,
      role_type: 'admin',
      has_billing: true,
      has_billing_mailing: true,
      has_mailing: true,
    });
    t.same(
      data.teams.map((x: { id: number }) => x.id),
      [team],
    );
    t.same(Object.keys(data.teams[0]).sort(), ['color_id', 'created_at', 'id', 'name', 'updated_at', 'user_count']);
    t.match(data.teams[0], { name: 'Support', color_id: 3, user_count: 0 });
    t.equal((await outbox(app.db, email)).length, 0, 'nothing queued for a silent invitation');
  });

  t.test('product rights: the object form and the array form, validated against the organisation', async (t) => {
    const domain = await addProduct(app.db, account, 'domain');
    const hosting = await addProduct(app.db, account, 'web_hosting');
    const inObject = await invite(
      app,
      owner.token,
      account,
      inviteBody({
        permissions: {
          billing: false,
          products: [{ service_id: domain.service_id, product_id: domain.id, types: ['technical'] }],
        },
      }),
    );
    t.equal(inObject.statusCode, 201, inObject.body);
    t.same(inObject.json().data.permissions, [
      {
        service_id: domain.service_id,
        service_name: 'domain',
        product_id: domain.id,
        apply_to_all: false,
        types: ['technical'],
      },
    ]);
    t.same(inObject.json().data.service_permissions, []);

    const asArray = await invite(
      app,
      owner.token,
      account,
      inviteBody({
        permissions: [{ service_id: hosting.service_id, apply_to_all: true, types: ['statistic', 'sale'] }],
      }),
    );
    t.equal(asArray.statusCode, 201, asArray.body);
    t.same(asArray.json().data.service_permissions, [
      { service_id: hosting.service_id, service_name: 'web_hosting', types: ['statistic', 'sale'] },
    ]);

    const foreign = await createUser(app.db);
    const foreignProduct = await addProduct(app.db, foreign.accountId, 'domain');
    const bad = await invite(
      app,
      owner.token,
      account,
      inviteBody({
        permissions: {
          products: [
            { service_id: domain.service_id, product_id: foreignProduct.id, types: ['check'] },
            { service_id: 5, apply_to_all: true, types: [] },
          ],
        },
      }),
    );
    t.equal(bad.statusCode, 422);
    t.same(failedAttributes(bad.json()), ['permissions.products.0.product_id', 'permissions.products.1.service_id']);
    const badArray = await invite(
      app,
      owner.token,
      account,
      inviteBody({ permissions: [{ service_id: domain.service_id, types: ['check'] }] }),
    );
    t.equal(badArray.statusCode, 422);
    t.same(failedAttributes(badArray.json()), ['permissions.0.product_id']);
  });

  t.test('teams must belong to the organisation', async (t) => {
    const foreign = await createUser(app.db);
    const { id: mine } = await addTeam(app.db, account);
    const { id: theirs } = await addTeam(app.db, foreign.accountId);
    const email = freshEmail();
    const res = await invite(app, owner.token, account, inviteBody({ email, teams: [mine, theirs] }));
    t.equal(res.statusCode, 422);
    t.same(failedAttributes(res.json()), ['teams.1']);
    t.equal((await outbox(app.db, email)).length, 0, 'a refused invitation sends nothing');
  });

  t.test('body validation names the field', async (t) => {
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'not-an-email' }, 'email'],
      [{ email: 'a@b' }, 'email'],
      [{ locale: 'pt_PT' }, 'locale'],
      [{ role_type: 'client' }, 'role_type'],
      [{ first_name: '' }, 'first_name'],
      [{ last_name: 'x'.repeat(129) }, 'last_name'],
      [{ surprise: true }, 'surprise'],
    ];
    for (const [override, attribute] of cases) {
      const res = await invite(app, owner.token, account, inviteBody(override));
      t.equal(res.statusCode, 422, attribute);
      t.ok(failedAttributes(res.json()).includes(attribute), `${attribute} is named`);
    }
    const missing = await invite(app, owner.token, account, { email: freshEmail() });
    t.equal(missing.statusCode, 422);
    t.ok(failedAttributes(missing.json()).includes('role_type'));
  });

  t.test('with: known relations are accepted, an unknown one is a 422 listing them', async (t) => {
    t.equal((await invite(app, owner.token, account, inviteBody(), '?with=teams,permissions')).statusCode, 201);
    const res = await invite(app, owner.token, account, inviteBody(), '?with=nope');
    t.equal(res.statusCode, 422);
    t.match(res.json().error.errors[0], {
      context: { attribute: 'with', values: ['teams', 'permissions', 'service_permissions', 'ksuite', 'app_accesses'] },
    });
  });

  t.test('an address that is already a member is a 409 (whatever its case)', async (t) => {
    const member = await createMember(app.db, account, 'normal');
    const res = await invite(app, owner.token, account, inviteBody({ email: member.email.toUpperCase() }));
    t.equal(res.statusCode, 409);
    t.equal(res.json().error.code, 'object_already_exists');
  });

  t.test('re-inviting re-sends the pending invitation, at most once a minute', async (t) => {
    const email = freshEmail();
    const first = await inviteOk(app, owner.token, account, { email });
    const soon = await invite(app, owner.token, account, inviteBody({ email: email.toUpperCase() }));
    t.equal(soon.statusCode, 429);
    t.equal(soon.json().error.code, 'invitation_sending_rate_limit_reached');
    t.equal((await outbox(app.db, email)).length, 1, 'no second email');

    await ageInvitation(app.db, first.id, 61);
    const again = await invite(
      app,
      owner.token,
      account,
      inviteBody({ email, role_type: 'admin', first_name: 'Amazing' }),
    );
    t.equal(again.statusCode, 201, again.body);
    const data = again.json().data;
    t.equal(data.id, first.id, 'the same invitation');
    t.match(data, { role_type: 'admin', first_name: 'Amazing', status: 'pending' });
    t.ok(Math.abs(data.sent_at - nowS()) <= 5, 'sent_at refreshed');
    t.equal(keyOf(data.url_accept), first.key, 'the link already sent keeps working');
    t.equal((await outbox(app.db, email)).length, 2, 'a second email');
    const count = await app.db
      .selectFrom('invitations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', account)
      .where('email', 'ilike', email)
      .executeTakeFirstOrThrow();
    t.equal(Number(count.n), 1);
  });

  t.test('concurrent invitations of one address: one is sent, the others are told to wait', async (t) => {
    const email = freshEmail();
    const results = await Promise.all([1, 2, 3].map(() => invite(app, owner.token, account, inviteBody({ email }))));
    const codes = results.map((r) => r.statusCode).sort();
    t.same(codes, [201, 429, 429]);
    t.equal((await outbox(app.db, email)).length, 1);
  });

  t.test('only an owner may invite an owner; an admin may invite admins and normal users', async (t) => {
    const admin = await createMember(app.db, account, 'admin');
    const asAdmin = await invite(app, admin.token, account, inviteBody({ role_type: 'owner' }));
    t.equal(asAdmin.statusCode, 403);
    t.equal(asAdmin.json().error.code, 'access_denied');
    t.equal((await invite(app, admin.token, account, inviteBody({ role_type: 'admin' }))).statusCode, 201);
    t.equal((await invite(app, admin.token, account, inviteBody({ role_type: 'normal' }))).statusCode, 201);
    t.equal((await invite(app, owner.token, account, inviteBody({ role_type: 'owner' }))).statusCode, 201);
  });

  t.test('a normal member cannot invite', async (t) => {
    const normal = await createMember(app.db, account, 'normal');
    const email = freshEmail();
    const res = await app.inject({
      method: 'POST',
      url: `/1/accounts/${account}/invitations`,
      headers: bearer(normal.token),
      payload: inviteBody({ email }),
    });
    t.equal(res.statusCode, 403);
    t.equal((await outbox(app.db, email)).length, 0);
  });
});
