import t from 'tap';
import { bearer, buildTestApp, testDatabase } from '../../helper.js';
import { createToken, createUser } from '../../factories/users.js';
import { accept, ageInvitation, decline, inviteOk } from '../../factories/invitations.js';
import {
  addProduct,
  addTeam,
  createMember,
  freshEmail,
  membership,
  nowS,
  outbox,
} from '../../factories/organisations.js';

const PASSWORD = 'Brand-new-pass-42';

const database = await testDatabase(t);

t.test('accepting and declining invitations', async (t) => {
  const app = await buildTestApp(t, { database });
  const owner = await createUser(app.db, { first_name: 'Olga', last_name: 'Owner' });
  const account = owner.accountId;
  const status = async (id: number) =>
    await app.db
      .selectFrom('invitations')
      .select(['status', 'accepted_user_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  t.test(
    'a new person: the account is created, joins with everything the invitation grants, and gets a first token',
    async (t) => {
      const { id: team } = await addTeam(app.db, account);
      const product = await addProduct(app.db, account, 'domain');
      const email = freshEmail('newcomer');
      const inv = await inviteOk(app, owner.token, account, {
        email,
        role_type: 'admin',
        teams: [team],
        notifications: { billing: true, products: false },
        permissions: {
          billing: true,
          products: [{ service_id: product.service_id, product_id: product.id, types: ['technical', 'sale'] }],
        },
      });
      const res = await accept(app, inv.key, { password: PASSWORD, first_name: 'Nina' });
      t.equal(res.statusCode, 200, res.body);
      const data = res.json().data;
      t.match(data, {
        account_id: account,
        role_type: 'admin',
        token: { scopes: ['user_info', 'accounts', 'billing'], expired_at: null },
      });
      t.match(data.token.token, /^ikm_/);
      const user = await app.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', data.user_id)
        .executeTakeFirstOrThrow();
      t.match(user, {
        email,
        first_name: 'Nina',
        last_name: 'Hopper',
        locale: 'fr_FR',
        language_id: 1,
        current_account_id: account,
      });
      t.match(await membership(app.db, account, data.user_id), {
        role_type: 'admin',
        has_billing_access: true,
        has_billing_mailing: true,
        has_mailing: false,
      });
      t.ok(
        await app.db
          .selectFrom('team_members')
          .select('user_id')
          .where('team_id', '=', team)
          .where('user_id', '=', data.user_id)
          .executeTakeFirst(),
        'in the team',
      );
      t.match(await app.db.selectFrom('product_rights').selectAll().where('user_id', '=', data.user_id).execute(), [
        { product_id: product.id, technical: true, sale: true, statistic: false, check: false },
      ]);
      t.same(await status(inv.id), { status: 'accepted', accepted_user_id: data.user_id });
      const mails = (await outbox(app.db, owner.email)).filter((m) => m.kind === 'invitation_accepted');
      t.equal(mails.length, 1, 'the inviter is told');
      t.ok(mails[0].subject.includes('Nina Hopper'));

      const profile = await app.inject({ method: 'GET', url: '/2/profile', headers: bearer(data.token.token) });
      t.equal(profile.statusCode, 200, 'the first token works');
      t.equal(profile.json().data.email, email);
      const again = await accept(app, inv.key, { password: PASSWORD });
      t.equal(again.statusCode, 422);
      t.equal(again.json().error.context.reason, 'accepted');
    },
  );

  t.test('a new person needs a good password, and an address that has no account yet', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const none = await accept(app, inv.key);
    t.equal(none.statusCode, 422);
    t.equal(none.json().error.errors[0].context.attribute, 'password');
    t.equal((await accept(app, inv.key, { password: 'short1' })).statusCode, 422);
    const weak = await accept(app, inv.key, { password: 'lettersonly' });
    t.equal(weak.statusCode, 422);
    t.equal(weak.json().error.errors[0].code, 'validation_rule_regex');
    t.equal(
      (await accept(app, inv.key, { password: PASSWORD, role_type: 'owner' })).statusCode,
      422,
      'nothing else is taken',
    );
    t.equal((await status(inv.id)).status, 'pending');

    const existing = await createUser(app.db);
    const forExisting = await inviteOk(app, owner.token, account, { email: existing.email.toUpperCase() });
    const conflict = await accept(app, forExisting.key, { password: PASSWORD });
    t.equal(conflict.statusCode, 409);
    t.match(conflict.json().error.description, /sign in/);
    t.equal((await status(forExisting.id)).status, 'pending');
    t.notOk(await membership(app.db, account, existing.id));
  });

  t.test('a signed-in user: their existing account is extended to the organisation', async (t) => {
    const user = await createUser(app.db);
    const inv = await inviteOk(app, owner.token, account, { email: user.email.toUpperCase(), role_type: 'normal' });
    const res = await accept(app, inv.key, undefined, user.token);
    t.equal(res.statusCode, 200, res.body);
    t.same(
      res.json().data,
      { account_id: account, user_id: user.id, role_type: 'normal' },
      'no token for an existing user',
    );
    t.match(await membership(app.db, account, user.id), { role_type: 'normal', has_billing_access: false });
    const u = await app.db
      .selectFrom('users')
      .select('current_account_id')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    t.equal(u.current_account_id, user.accountId, 'their current organisation is kept');
    t.same(await status(inv.id), { status: 'accepted', accepted_user_id: user.id });
  });

  t.test('a signed-in user without a current organisation gets this one', async (t) => {
    const user = await createUser(app.db);
    await app.db.updateTable('users').set({ current_account_id: null }).where('id', '=', user.id).execute();
    const inv = await inviteOk(app, owner.token, account, { email: user.email });
    t.equal((await accept(app, inv.key, {}, user.token)).statusCode, 200);
    const u = await app.db
      .selectFrom('users')
      .select('current_account_id')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    t.equal(u.current_account_id, account);
  });

  t.test('strict invitations need the same address; others do not', async (t) => {
    const other = await createUser(app.db);
    const strict = await inviteOk(app, owner.token, account, { email: freshEmail() });
    const refused = await accept(app, strict.key, undefined, other.token);
    t.equal(refused.statusCode, 403);
    t.equal(refused.json().error.code, 'access_denied');
    t.equal((await status(strict.id)).status, 'pending');
    t.notOk(await membership(app.db, account, other.id));

    const loose = await inviteOk(app, owner.token, account, { email: freshEmail(), strict: false });
    t.equal((await accept(app, loose.key, undefined, other.token)).statusCode, 200);
    t.ok(await membership(app.db, account, other.id));
  });

  t.test('a member accepting again is a 409; the invitation stays pending', async (t) => {
    const member = await createMember(app.db, account, 'normal');
    const inv = await inviteOk(app, owner.token, account, { email: freshEmail(), strict: false });
    const res = await accept(app, inv.key, undefined, member.token);
    t.equal(res.statusCode, 409);
    t.equal((await status(inv.id)).status, 'pending');
  });

  t.test('the bearer token, when sent, must be valid and carry the accounts scope', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const bad = await accept(app, inv.key, undefined, 'ikm_not-a-real-token');
    t.equal(bad.statusCode, 401);
    t.equal(bad.json().error.code, 'not_authorized');
    t.match(bad.headers['www-authenticate'], /invalid_token/);
    const malformed = await app.inject({
      method: 'POST',
      url: `/1/invitations/${inv.key}/accept`,
      headers: { authorization: 'Basic abc' },
    });
    t.equal(malformed.statusCode, 401);
    const user = await createUser(app.db, { email: inv.email });
    const expired = await createToken(app.db, user.id, ['accounts'], nowS() - 10);
    t.equal((await accept(app, inv.key, undefined, expired.secret)).statusCode, 401);
    const narrow = await createToken(app.db, user.id, ['user_info']);
    const noScope = await accept(app, inv.key, undefined, narrow.secret);
    t.equal(noScope.statusCode, 403);
    t.same(noScope.json().error.context, { missing_scopes: ['accounts'] });
    t.equal((await status(inv.id)).status, 'pending', 'nothing happened');
  });

  t.test('unknown keys are 404; expired invitations are 422', async (t) => {
    t.equal((await accept(app, 'x'.repeat(43), { password: PASSWORD })).statusCode, 404);
    t.equal((await accept(app, 'short', { password: PASSWORD })).statusCode, 404);
    t.equal((await decline(app, 'x'.repeat(43))).statusCode, 404);
    const inv = await inviteOk(app, owner.token, account);
    await ageInvitation(app.db, inv.id, 31 * 24 * 3600, 1);
    const res = await accept(app, inv.key, { password: PASSWORD });
    t.equal(res.statusCode, 422);
    t.match(res.json().error, { code: 'validation_failed', context: { reason: 'expired' } });
    t.equal((await decline(app, inv.key)).statusCode, 422);
    t.notOk(
      await app.db.selectFrom('users').select('id').where('email', '=', inv.email).executeTakeFirst(),
      'no account created',
    );
  });

  t.test('declining: the invitation is rejected, the inviter told, the link dead', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const res = await decline(app, inv.key);
    t.equal(res.statusCode, 200);
    t.same(res.json(), { result: 'success', data: true });
    t.equal((await status(inv.id)).status, 'rejected');
    t.ok(
      (await outbox(app.db, owner.email)).some((m) => m.kind === 'invitation_declined' && m.body.includes(inv.email)),
    );
    const late = await accept(app, inv.key, { password: PASSWORD });
    t.equal(late.statusCode, 422);
    t.equal(late.json().error.context.reason, 'rejected');
    t.equal((await decline(app, inv.key)).statusCode, 422);
  });

  t.test('rights on a product deleted since the invitation are skipped', async (t) => {
    const kept = await addProduct(app.db, account, 'web_hosting');
    const gone = await addProduct(app.db, account, 'domain');
    const inv = await inviteOk(app, owner.token, account, {
      permissions: [
        { service_id: gone.service_id, product_id: gone.id, types: ['check'] },
        { service_id: kept.service_id, product_id: kept.id, types: ['statistic'] },
      ],
    });
    await app.db.updateTable('products').set({ deleted_at: nowS() }).where('id', '=', gone.id).execute();
    const res = await accept(app, inv.key, { password: PASSWORD });
    t.equal(res.statusCode, 200, res.body);
    const rights = await app.db
      .selectFrom('product_rights')
      .select(['product_id', 'statistic'])
      .where('user_id', '=', res.json().data.user_id)
      .execute();
    t.same(rights, [{ product_id: kept.id, statistic: true }]);
  });

  t.test('accepting twice at once: one membership, one account', async (t) => {
    const inv = await inviteOk(app, owner.token, account);
    const results = await Promise.all([1, 2, 3].map(() => accept(app, inv.key, { password: PASSWORD })));
    t.same(results.map((r) => r.statusCode).sort(), [200, 422, 422]);
    const users = await app.db.selectFrom('users').select('id').where('email', '=', inv.email).execute();
    t.equal(users.length, 1);
    const members = await app.db
      .selectFrom('account_members')
      .select('user_id')
      .where('account_id', '=', account)
      .where('user_id', '=', users[0].id)
      .execute();
    t.equal(members.length, 1);

    const user = await createUser(app.db);
    const forUser = await inviteOk(app, owner.token, account, { email: user.email });
    const signedIn = await Promise.all([1, 2].map(() => accept(app, forUser.key, undefined, user.token)));
    t.same(signedIn.map((r) => r.statusCode).sort(), [200, 422]);
    t.ok(await membership(app.db, account, user.id));
  });
});
