import t from 'tap';
import { bearer, buildTestApp } from '../helper.js';

// The walk-through of docs/organisations.md, step by step: sign up, invite, accept, change
// rights, hand over the legal responsible, leave. If its commands stop working, this fails.

t.test('the organisation walk-through of docs/organisations.md', async (t) => {
  const app = await buildTestApp(t);
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token?: string, payload?: object) =>
    app.inject({ method, url, payload, headers: token ? bearer(token) : {} });

  const signup = await call('POST', '/1/signup', undefined, {
    email: 'alice@example.test',
    password: 'Wonderland-2026',
    first_name: 'Alice',
    last_name: 'Liddell',
    locale: 'en_GB',
    organisation_name: 'Rabbit Hole SA',
  });
  t.equal(signup.statusCode, 201, 'sign up');
  const alice = signup.json().data.token.token as string;
  const org = signup.json().data.account.id as number;
  t.equal(signup.json().data.account.type, 'owner', 'Alice is the legal responsible');

  const invite = await call('POST', `/1/accounts/${org}/invitations`, alice, {
    email: 'bob@example.test',
    first_name: 'Bob',
    last_name: 'Builder',
    locale: 'fr_FR',
    role_type: 'normal',
  });
  t.equal(invite.statusCode, 201, 'invite');
  const path = new URL(invite.json().data.url_accept as string).pathname;

  const accept = await call('POST', path, undefined, { password: 'Builder-2026' });
  t.equal(accept.statusCode, 200, 'Bob accepts as a newcomer');
  const bob = accept.json().data.token.token as string;
  const bobId = accept.json().data.user_id as number;

  const rights = await call('PATCH', `/2/accounts/${org}/users/${bobId}`, alice, {
    role_type: 'admin',
    has_billing_access: true,
  });
  t.equal(rights.statusCode, 200, 'change rights');
  t.match(rights.json().data, { role_type: 'admin', has_billing_access: true });

  const handOver = await call('POST', `/1/accounts/${org}/legal_responsible`, alice, {
    user_id: bobId,
    previous_role: 'admin',
  });
  t.equal(handOver.statusCode, 200, 'hand over the legal responsible');

  const leave = await call('POST', `/1/accounts/${org}/leave`, alice);
  t.equal(leave.statusCode, 200, 'Alice leaves');

  const users = await call('GET', `/2/accounts/${org}/users`, bob);
  t.equal(users.statusCode, 200);
  t.same(
    users.json().data.map((u: { email: string; role_type: string }) => [u.email, u.role_type]),
    [['bob@example.test', 'owner']],
    'Bob is the only member, and the owner',
  );
  const gone = await call('GET', `/1/accounts/${org}`, alice);
  t.equal(gone.statusCode, 404, "the organisation is no longer Alice's to see");
});
